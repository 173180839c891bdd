#pragma once
// RAII transaction: BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless
// committed, so an exception anywhere inside leaves the database as it was before.
//
// IMMEDIATE takes the write lock at BEGIN, where the busy timeout can wait for another writer.
// A deferred transaction would take it at its first write, and in WAL mode that upgrade fails
// at once with SQLITE_BUSY if another connection committed since this one started reading.
#include "storage/sqlite_connection.hpp"

namespace bitnas {

class Transaction {
 public:
  explicit Transaction(const SqliteConnection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  const SqliteConnection& db_;
  bool open_ = true;
};

}  // namespace bitnas
