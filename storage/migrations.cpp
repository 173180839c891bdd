#include "storage/migrations.hpp"

#include <stdexcept>
#include <string>

#include "storage/sqlite_statement.hpp"
#include "storage/transaction.hpp"

namespace bitnas {

int read_schema_version(const SqliteConnection& db) {
  SqliteStatement query(db, "PRAGMA user_version");
  query.step();
  return static_cast<int>(query.column_int64(0));
}

void apply_migrations(const SqliteConnection& db, std::span<const std::string_view> migrations) {
  const int target = static_cast<int>(migrations.size());
  if (read_schema_version(db) == target) return;  // the common case takes no write lock
  for (;;) {
    Transaction transaction(db);
    const int version = read_schema_version(db);
    if (version > target)
      throw std::runtime_error("database '" + db.path().string() + "' has schema version " +
                               std::to_string(version) + ", newer than this build knows (" +
                               std::to_string(target) + "); use a newer bitnas");
    if (version == target) return;
    try {
      db.execute(migrations[static_cast<std::size_t>(version)]);
      // PRAGMA takes no bound parameters; the value is this loop's own counter, not data.
      db.execute("PRAGMA user_version = " + std::to_string(version + 1));
      transaction.commit();
    } catch (const std::exception& e) {
      throw std::runtime_error("migrating schema version " + std::to_string(version) + " to " +
                               std::to_string(version + 1) + " failed, the database stays at " +
                               "version " + std::to_string(version) + ": " + e.what());
    }
  }
}

}  // namespace bitnas
