#pragma once
// RAII for one prepared statement: values go in through bind (never into the SQL text), rows
// come out through typed column getters.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/sqlite_connection.hpp"

namespace bitnas {

class SqliteStatement {
 public:
  // Prepares exactly one statement; refuses SQL with more after it, which SQLite would
  // silently ignore.
  SqliteStatement(const SqliteConnection& db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Prepares the first statement of `sql` and removes it from the front of `sql`; nullopt
  // when only whitespace and comments remain.
  static std::optional<SqliteStatement> prepare_next(const SqliteConnection& db,
                                                     std::string_view& sql);

  // Parameters are numbered from 1, as in SQLite ("?1"). Each returns *this, so calls chain.
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, std::string_view value);
  SqliteStatement& bind(int index, std::nullopt_t);
  template <typename T>
  SqliteStatement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  // True when a row is ready, false when the statement has finished.
  bool step();
  // Steps to the end, for statements whose rows (if any) are not needed.
  void run();
  // Ready to step again from the start; bindings are kept.
  void reset();

  // Columns are numbered from 0, as in SQLite.
  bool is_null(int column) const;
  std::int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::optional<std::int64_t> column_optional_int64(int column) const;
  std::optional<double> column_optional_double(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  int column_count() const;

 private:
  SqliteStatement(const SqliteConnection& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  void check_bind(int rc, int index) const;

  const SqliteConnection* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace bitnas
