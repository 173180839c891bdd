#pragma once
// The results database schema: the one place its tables are defined, as the ordered list of
// migrations (see migrations.hpp and docs/DATABASE.md).
#include <cstdint>
#include <span>
#include <string_view>

namespace bitnas {

std::span<const std::string_view> results_schema_migrations();
// PRAGMA application_id of every BitNAS results database.
std::int64_t results_application_id();
// The version this build writes and reads: the number of migrations.
int results_schema_version();

}  // namespace bitnas
