#include "storage/sqlite_statement.hpp"

#include <utility>

namespace bitnas {
namespace {

std::string excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 80;
  std::string s(sql.substr(0, kMax));
  for (char& c : s)
    if (c == '\n') c = ' ';
  return sql.size() > kMax ? s + "..." : s;
}

bool only_space_and_comments(const SqliteConnection& db, std::string_view sql) {
  return !SqliteStatement::prepare_next(db, sql).has_value();
}

}  // namespace

std::optional<SqliteStatement> SqliteStatement::prepare_next(const SqliteConnection& db,
                                                             std::string_view& sql) {
  while (!sql.empty()) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                      &stmt, &tail);
    if (rc != SQLITE_OK) throw db.error("cannot prepare \"" + excerpt(sql) + "\"");
    sql.remove_prefix(static_cast<std::size_t>(tail - sql.data()));
    // A null statement is a stretch of whitespace or comments; keep going.
    if (stmt) return SqliteStatement(db, stmt);
  }
  return std::nullopt;
}

SqliteStatement::SqliteStatement(const SqliteConnection& db, std::string_view sql)
    : db_(&db), stmt_(nullptr) {
  std::string_view rest = sql;
  auto first = prepare_next(db, rest);
  if (!first) throw std::invalid_argument("SqliteStatement: no SQL statement in \"" +
                                          excerpt(sql) + "\"");
  if (!only_space_and_comments(db, rest))
    throw std::invalid_argument("SqliteStatement: more than one statement in \"" + excerpt(sql) +
                                "\"");
  std::swap(stmt_, first->stmt_);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void SqliteStatement::check_bind(int rc, int index) const {
  if (rc != SQLITE_OK)
    throw db_->error("cannot bind parameter " + std::to_string(index) + " of \"" +
                     excerpt(sqlite3_sql(stmt_)) + "\"");
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_, index, value), index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's string may go away.
  check_bind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8),
             index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::nullopt_t) {
  check_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string context = excerpt(sqlite3_sql(stmt_));
  context.insert(0, 1, '"');  // not "\"" + ..., which trips a GCC 12 -Wrestrict false positive
  context += "\" failed";
  std::runtime_error error = db_->error(context);
  sqlite3_reset(stmt_);
  throw error;
}

void SqliteStatement::run() {
  while (step()) {
  }
}

void SqliteStatement::reset() { sqlite3_reset(stmt_); }

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string SqliteStatement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  // Length after the text call, as SQLite documents, so it counts the converted bytes.
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
              : std::string();
}

std::optional<std::int64_t> SqliteStatement::column_optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int64(column);
}

std::optional<double> SqliteStatement::column_optional_double(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_double(column);
}

std::optional<std::string> SqliteStatement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

int SqliteStatement::column_count() const { return sqlite3_column_count(stmt_); }

}  // namespace bitnas
