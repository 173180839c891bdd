#include "storage/transaction.hpp"

#include "storage/fault_point.hpp"
#include "storage/sqlite_statement.hpp"

namespace bitnas {

Transaction::Transaction(const SqliteConnection& db) : db_(db) {
  SqliteStatement(db_, "BEGIN IMMEDIATE").run();
  fault_point("transaction.begun");
}

Transaction::~Transaction() {
  if (!open_) return;
  // A destructor must not throw. ROLLBACK fails only when SQLite already rolled back by
  // itself (after an I/O or out-of-memory error), and then there is nothing left to undo.
  try {
    SqliteStatement(db_, "ROLLBACK").run();
  } catch (...) {
  }
}

void Transaction::commit() {
  if (!open_) throw std::logic_error("Transaction::commit called twice");
  fault_point("transaction.before_commit");
  SqliteStatement(db_, "COMMIT").run();
  open_ = false;
  fault_point("transaction.committed");
}

}  // namespace bitnas
