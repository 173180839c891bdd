#pragma once
// Schema versioning with PRAGMA user_version (0 in a new or empty file). A schema is an
// ordered list of migration scripts: script i takes the database from version i to i + 1, so
// the current version is the length of the list and a new version is one more script at its
// end. Released scripts never change: files in the wild were made by them.
#include <span>
#include <string_view>

#include "storage/sqlite_connection.hpp"

namespace bitnas {

int read_schema_version(const SqliteConnection& db);

// Applies the scripts the database lacks, each with its version bump in one transaction
// (BEGIN IMMEDIATE ... COMMIT): a crash or error mid-migration leaves the previous version,
// whole. The version is re-read inside each transaction, so two processes opening the same
// new file migrate it once. Throws std::runtime_error naming the file and the failed step, or
// when the database is newer than `migrations`.
void apply_migrations(const SqliteConnection& db, std::span<const std::string_view> migrations);

}  // namespace bitnas
