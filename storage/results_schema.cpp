#include "storage/results_schema.hpp"

#include <iterator>

namespace bitnas {
namespace {

// Times are ISO-8601 UTC text with milliseconds ("2024-05-01T12:00:00.123Z"), filled in by
// SQLite's DEFAULTs so every writer uses the same format. STRICT tables refuse a value of the
// wrong type instead of storing it.

// Version 1: runs, genotypes, per-epoch metrics, final results, checkpoint files.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  kind           TEXT    NOT NULL CHECK (kind IN ('train', 'search', 'derive', 'eval')),
  name           TEXT    NOT NULL,
  config_text    TEXT    NOT NULL,
  config_hash    TEXT    NOT NULL,
  seed           INTEGER NOT NULL CHECK (seed >= 0),
  status         TEXT    NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
  started_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at    TEXT,
  host           TEXT    NOT NULL,
  bitnas_version TEXT    NOT NULL,
  threads        INTEGER NOT NULL CHECK (threads > 0),
  CHECK ((status = 'running') = (finished_at IS NULL))
) STRICT;
CREATE INDEX runs_by_config ON runs (kind, config_hash);

CREATE TABLE genotypes (
  id             INTEGER PRIMARY KEY,
  hash           TEXT    NOT NULL UNIQUE,
  canonical      TEXT    NOT NULL,
  num_init_nodes INTEGER NOT NULL CHECK (num_init_nodes > 0),
  fp_params      INTEGER,
  binary_params  INTEGER,
  flops          INTEGER,
  bops           INTEGER,
  ops            REAL,
  bytes          REAL
) STRICT;

CREATE TABLE epoch_metrics (
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  epoch        INTEGER NOT NULL CHECK (epoch >= 0),
  train_loss   REAL,
  train_acc    REAL,
  valid_loss   REAL,
  valid_acc    REAL,
  test_acc     REAL,
  lr           REAL,
  images_per_s REAL,
  wall_s       REAL,
  PRIMARY KEY (run_id, epoch)
) STRICT;

CREATE TABLE results (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  genotype_id INTEGER REFERENCES genotypes (id),
  metric      TEXT    NOT NULL CHECK (metric <> ''),
  split       TEXT    NOT NULL CHECK (split <> ''),
  value       REAL    NOT NULL,
  recorded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
-- One value per (run, genotype or none, metric, split), so re-recording replaces it. Row ids
-- start at 1, so 0 stands for "no genotype" (NULLs would never conflict with each other).
CREATE UNIQUE INDEX results_key ON results (run_id, ifnull(genotype_id, 0), metric, split);
CREATE INDEX results_by_genotype ON results (genotype_id);

CREATE TABLE checkpoints (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  epoch      INTEGER NOT NULL,
  step       INTEGER NOT NULL,
  path       TEXT    NOT NULL,
  checksum   TEXT    NOT NULL,
  bytes      INTEGER NOT NULL CHECK (bytes >= 0),
  created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (run_id, path)
) STRICT;
)sql";

// Version 2: what a search adds. Every genotype a controller sampled, with its reward, in
// order; and per search epoch the supernet's and the controller's metrics.
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE samples (
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step        INTEGER NOT NULL CHECK (step >= 0),
  idx         INTEGER NOT NULL CHECK (idx >= 0),
  epoch       INTEGER NOT NULL CHECK (epoch >= 0),
  genotype_id INTEGER NOT NULL REFERENCES genotypes (id),
  reward      REAL    NOT NULL,
  loss        REAL,
  accuracy    REAL,
  recorded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (run_id, step, idx)
) STRICT;
CREATE INDEX samples_by_genotype ON samples (genotype_id);

CREATE TABLE search_epochs (
  run_id             INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  epoch              INTEGER NOT NULL CHECK (epoch >= 0),
  supernet_loss      REAL,
  supernet_acc       REAL,
  mean_reward        REAL,
  best_reward        REAL,
  controller_loss    REAL,
  samples_per_s      REAL,
  wall_s             REAL,
  PRIMARY KEY (run_id, epoch)
) STRICT;
)sql";

// Version 3: runs know their process and run directory. A run marked running whose process is
// gone (pid and start time on its host; elsewhere a heartbeat older than five minutes) was
// killed: queries show it as interrupted and `--resume` in its run directory adopts it.
// The application id marks the file as a BitNAS results database, so foreign SQLite files are
// refused instead of migrated.
constexpr std::string_view kVersion3 = R"sql(
ALTER TABLE runs ADD COLUMN run_dir TEXT;
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN process_start TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
CREATE INDEX runs_by_dir ON runs (run_dir);
PRAGMA application_id = 1112424787;
)sql";

// Append new versions here, one script each; never edit a released one.
constexpr std::string_view kMigrations[] = {
    kVersion1,
    kVersion2,
    kVersion3,
};

}  // namespace

std::span<const std::string_view> results_schema_migrations() { return kMigrations; }

// "BNAS"; set by the version 3 migration (1112424787 there).
std::int64_t results_application_id() { return 0x424E4153; }

int results_schema_version() { return static_cast<int>(std::size(kMigrations)); }

}  // namespace bitnas
