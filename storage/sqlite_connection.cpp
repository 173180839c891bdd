#include "storage/sqlite_connection.hpp"

#include <string>

#include "ops/core/regular_file.hpp"
#include "storage/sqlite_statement.hpp"

namespace bitnas {

SqliteConnection::SqliteConnection(std::filesystem::path path, int flags) : path_(std::move(path)) {
  // SQLite would block on a FIFO and fail obscurely on a directory or device; ":memory:" and
  // a file about to be created pass.
  if (const auto why = existing_non_regular_file(path_.string()))
    throw std::runtime_error("cannot open database '" + path_.string() + "': it " + *why);
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 allocates a handle even on failure, to carry the message.
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    throw std::runtime_error("cannot open database '" + path_.string() + "': " + message);
  }
}

SqliteConnection::~SqliteConnection() {
  // Every statement is finalized by its owner first, so close cannot be refused as busy.
  sqlite3_close(db_);
}

void SqliteConnection::execute(std::string_view sql) const {
  while (auto statement = SqliteStatement::prepare_next(*this, sql)) statement->run();
}

std::runtime_error SqliteConnection::error(std::string_view context) const {
  return std::runtime_error("database '" + path_.string() + "': " + std::string(context) + ": " +
                            sqlite3_errmsg(db_));
}

}  // namespace bitnas
