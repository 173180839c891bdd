#include "storage/transaction.hpp"

#include "storage/sqlite_statement.hpp"

namespace bitnas {

Transaction::Transaction(const SqliteConnection& db) : db_(db) {
  SqliteStatement(db_, "BEGIN IMMEDIATE").run();
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
  SqliteStatement(db_, "COMMIT").run();
  open_ = false;
}

}  // namespace bitnas
