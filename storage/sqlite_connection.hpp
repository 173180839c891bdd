#pragma once
// RAII for one SQLite connection. Every SQLite failure becomes std::runtime_error naming the
// database file and carrying sqlite3_errmsg, so a user can tell which file and what went wrong.
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include <sqlite3.h>

namespace bitnas {

class SqliteConnection {
 public:
  // `flags` as for sqlite3_open_v2: SQLITE_OPEN_READONLY, or SQLITE_OPEN_READWRITE |
  // SQLITE_OPEN_CREATE.
  SqliteConnection(std::filesystem::path path, int flags);
  ~SqliteConnection();
  // Not movable: prepared statements and transactions keep a reference to the connection.
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  // Runs each statement of a script in turn, each prepared on its own. For SQL without values
  // (schema scripts, pragmas); anything with values goes through SqliteStatement::bind.
  void execute(std::string_view sql) const;

  // The exception for a failed call on this connection:
  // "database '<path>': <context>: <sqlite3_errmsg>".
  std::runtime_error error(std::string_view context) const;

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

}  // namespace bitnas
