#pragma once
// Facts about where a run happens, recorded with it in the results database.
#include <string>

namespace bitnas {

std::string host_name();
// Threads oneTBB may use right now (after any --threads limit).
int active_thread_count();

}  // namespace bitnas
