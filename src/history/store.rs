//! The SQLite file: opening it without ever harming it, the public `samples` table, and
//! headroom's own tables that keep reads cheap.
//!
//! `samples` is the public interface (people query it with `sqlite3`, and may fill it). Beside
//! it headroom keeps, per quota and per UTC day and hour, the sums a least-squares fit needs and
//! the lowest and highest values (`headroom_days`, `headroom_hours`), maintained by triggers on
//! `samples`, so that rows written by anyone (a script, `sqlite3`) count too. A forecast over a
//! month then reads about thirty sums per quota, not three thousand samples. A store filled by
//! someone else gets these tables (built from its samples) the first time headroom writes it;
//! one that cannot be written is read sample by sample instead.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::forecast::Moments;

/// `PRAGMA user_version` of the schema this headroom writes; 0 (a store made by hand) counts
/// as 1.
pub const SCHEMA_VERSION: i64 = 1;
/// A run waits this long for another run's write to finish, then gives up recording.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(4);
/// Samples older than this are thinned to one per quota and UTC day.
pub const THIN_AFTER_SECONDS: i64 = 35 * DAY;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// How many of the latest sampling times [`Store::latest`] reads whole before it looks up the
/// keys still missing one by one: enough for a few profiles checked by separate cron jobs.
const RECENT_RUNS: usize = 8;

const SAMPLES_TABLE: &str = "CREATE TABLE IF NOT EXISTS samples (
  at          INTEGER NOT NULL,  -- unix seconds, UTC: the run's generated_at
  profile     TEXT NOT NULL,
  provider    TEXT NOT NULL,
  region      TEXT NOT NULL,
  service     TEXT NOT NULL,
  resource    TEXT NOT NULL,
  used        REAL NOT NULL,
  quota_limit REAL,              -- NULL: unlimited
  status      TEXT               -- ok | warning | critical at that run; NULL when unknown
);
CREATE INDEX IF NOT EXISTS samples_by_key ON samples (profile, region, service, resource, at);";

/// The columns headroom reads; a `samples` table without one of them is someone else's.
const COLUMNS: [&str; 9] = [
    "at",
    "profile",
    "provider",
    "region",
    "service",
    "resource",
    "used",
    "quota_limit",
    "status",
];

/// headroom's own objects, all present in a store it has written.
const OWN_OBJECTS: [&str; 8] = [
    "samples_by_time",
    "headroom_keys",
    "headroom_days",
    "headroom_hours",
    "headroom_meta",
    "headroom_sample_added",
    "headroom_sample_removed",
    "headroom_sample_changed",
];

/// The per-bucket tables and the triggers that keep them equal to `samples`.
fn own_schema() -> String {
    let bucket_table = |name: &str| {
        format!(
            "CREATE TABLE IF NOT EXISTS {name} (
  bucket INTEGER NOT NULL, key INTEGER NOT NULL,
  n REAL NOT NULL, sx REAL NOT NULL, sxx REAL NOT NULL, sy REAL NOT NULL, sxy REAL NOT NULL,
  min_used REAL, max_used REAL, max_ratio REAL, min_at INTEGER,
  dirty INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;"
        )
    };
    let key_of = |row: &str| {
        format!(
            "(SELECT id FROM headroom_keys WHERE profile = {row}.profile AND region = {row}.region \
             AND service = {row}.service AND resource = {row}.resource)"
        )
    };
    let ratio = |row: &str| ratio_sql(&format!("{row}."));
    let add = |table: &str, size: i64| {
        let x = format!("(new.at % {size})");
        format!(
            "INSERT INTO {table}
    (bucket, key, n, sx, sxx, sy, sxy, min_used, max_used, max_ratio, min_at)
  SELECT new.at / {size}, k.id, 1, {x}, {x} * {x}, new.used, {x} * new.used, new.used, new.used,
    {ratio}, new.at
  FROM headroom_keys k WHERE k.profile = new.profile AND k.region = new.region
    AND k.service = new.service AND k.resource = new.resource
  ON CONFLICT (bucket, key) DO UPDATE SET n = n + 1, sx = sx + excluded.sx,
    sxx = sxx + excluded.sxx, sy = sy + excluded.sy, sxy = sxy + excluded.sxy,
    min_used = min(min_used, excluded.min_used), max_used = max(max_used, excluded.max_used),
    min_at = min(min_at, excluded.min_at),
    max_ratio = CASE WHEN max_ratio IS NULL THEN excluded.max_ratio
      WHEN excluded.max_ratio IS NULL THEN max_ratio ELSE max(max_ratio, excluded.max_ratio) END;",
            ratio = ratio("new"),
        )
    };
    // A removed sample that was a bucket's lowest or highest leaves the bucket's extremes
    // unknown (`dirty`): they are then read from the samples, which only old thinned days need.
    let remove = |table: &str, size: i64| {
        let x = format!("(old.at % {size})");
        let key = key_of("old");
        format!(
            "UPDATE {table} SET n = n - 1, sx = sx - {x}, sxx = sxx - {x} * {x},
    sy = sy - old.used, sxy = sxy - {x} * old.used,
    dirty = CASE WHEN old.used <= min_used OR old.used >= max_used OR old.at <= min_at
      OR {ratio} >= max_ratio THEN 1 ELSE dirty END
  WHERE bucket = old.at / {size} AND key = {key};
DELETE FROM {table} WHERE bucket = old.at / {size} AND key = {key} AND n <= 0;",
            ratio = ratio("old"),
        )
    };
    let register = "INSERT INTO headroom_keys (profile, provider, region, service, resource)
  VALUES (new.profile, new.provider, new.region, new.service, new.resource)
  ON CONFLICT (profile, region, service, resource) DO UPDATE SET provider = excluded.provider
  WHERE provider IS NOT excluded.provider;";
    format!(
        "CREATE INDEX IF NOT EXISTS samples_by_time ON samples (at);
CREATE TABLE IF NOT EXISTS headroom_keys (
  id INTEGER PRIMARY KEY, profile TEXT NOT NULL, provider TEXT, region TEXT NOT NULL,
  service TEXT NOT NULL, resource TEXT NOT NULL,
  UNIQUE (profile, region, service, resource)
);
{days}
{hours}
CREATE TABLE IF NOT EXISTS headroom_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS headroom_sample_added AFTER INSERT ON samples BEGIN
{register}
{add_days}
{add_hours}
END;
CREATE TRIGGER IF NOT EXISTS headroom_sample_removed AFTER DELETE ON samples BEGIN
{remove_days}
{remove_hours}
END;
CREATE TRIGGER IF NOT EXISTS headroom_sample_changed AFTER UPDATE ON samples BEGIN
{remove_days}
{remove_hours}
{register}
{add_days}
{add_hours}
END;",
        days = bucket_table(DAYS.table),
        hours = bucket_table(HOURS.table),
        add_days = add(DAYS.table, DAYS.size),
        add_hours = add(HOURS.table, HOURS.size),
        remove_days = remove(DAYS.table, DAYS.size),
        remove_hours = remove(HOURS.table, HOURS.size),
    )
}

/// How much [`Store::range_stats`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// What a trend needs: the sums and the first sample's time.
    Trend,
    /// Also the lowest and highest values, for `headroom history`.
    Extremes,
}

/// One level of buckets: its table and the seconds of one bucket.
struct Level {
    table: &'static str,
    size: i64,
}

const DAYS: Level = Level {
    table: "headroom_days",
    size: DAY,
};
const HOURS: Level = Level {
    table: "headroom_hours",
    size: HOUR,
};

/// What one reading of buckets is for.
#[derive(Clone, Copy)]
struct Reading<'a> {
    /// x is counted from here.
    origin: i64,
    /// The keys wanted, by headroom's id.
    ids: &'a HashMap<i64, &'a Key>,
    detail: Detail,
}

/// One quota's identity in the store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub profile: String,
    pub region: String,
    pub service: String,
    pub resource: String,
}

/// One stored sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub at: i64,
    pub used: f64,
    pub limit: Option<f64>,
    pub status: Option<String>,
}

/// One sample to write.
pub struct NewSample<'a> {
    pub key: &'a Key,
    pub provider: &'a str,
    pub used: f64,
    pub limit: Option<f64>,
    pub status: &'a str,
}

/// What a range of time holds for one quota.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RangeStats {
    /// x counted from the origin given to [`Store::range_stats`].
    pub moments: Moments,
    pub lowest: Option<f64>,
    pub highest: Option<f64>,
    /// The highest used/limit (1 for a zero limit); `None` when every sample was unlimited.
    pub highest_ratio: Option<f64>,
    /// When the first sample of the range was taken.
    pub first_at: Option<i64>,
}

impl RangeStats {
    fn add(&mut self, at: i64, x: f64, used: f64, limit: Option<f64>) {
        self.moments.add(x, used);
        self.extremes(Some(used), Some(used), ratio(used, limit));
        self.first(Some(at));
    }

    fn first(&mut self, at: Option<i64>) {
        self.first_at = match (self.first_at, at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    fn extremes(&mut self, lowest: Option<f64>, highest: Option<f64>, ratio: Option<f64>) {
        self.lowest = min_of(self.lowest, lowest);
        self.highest = max_of(self.highest, highest);
        self.highest_ratio = max_of(self.highest_ratio, ratio);
    }
}

fn min_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// [`ratio`] in SQL, over the columns of `row` (`"new."`, `"s."`, or `""`).
fn ratio_sql(row: &str) -> String {
    format!(
        "(CASE WHEN {row}quota_limit IS NULL THEN NULL WHEN {row}quota_limit > 0 \
         THEN 1.0 * {row}used / {row}quota_limit ELSE 1.0 END)"
    )
}

pub fn ratio(used: f64, limit: Option<f64>) -> Option<f64> {
    let limit = limit?;
    Some(if limit > 0.0 { used / limit } else { 1.0 })
}

/// Why a store cannot be used at all this run.
#[derive(Debug)]
pub enum Problem {
    /// Its folder could not be created.
    Folder(PathBuf, std::io::Error),
    /// The file could not be created or opened.
    Unopenable(String),
    NotADatabase,
    Corrupt(String),
    /// Written by a newer headroom.
    Newer(i64),
    /// A SQLite database, but not a history (another program's file).
    Foreign(String),
    /// Another run kept it locked for longer than [`BUSY_TIMEOUT`].
    Busy,
}

/// What went wrong with an open store.
#[derive(Debug)]
pub enum Failure {
    /// The file turned out to be damaged: nothing of it may be used.
    Damaged(Problem),
    /// SQLite refused the read or the write (a read-only file, a full disk, a sample of another
    /// type than the public schema's), for the reason given.
    Refused(String),
    /// Another run kept it locked for longer than [`BUSY_TIMEOUT`].
    Busy,
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => Failure::Damaged(Problem::NotADatabase),
            Some(ErrorCode::DatabaseCorrupt) => {
                Failure::Damaged(Problem::Corrupt(error.to_string()))
            }
            Some(ErrorCode::DatabaseBusy) => Failure::Busy,
            _ => match &error {
                rusqlite::Error::InvalidColumnType(_, column, found)
                    if COLUMNS.contains(&column.as_str()) =>
                {
                    Failure::Refused(wrong_type(column, *found))
                }
                _ => Failure::Refused(error.to_string()),
            },
        }
    }
}

/// A sample written by someone else with a value of another type than the public schema's,
/// and how to find it.
fn wrong_type(column: &str, found: rusqlite::types::Type) -> String {
    let expected = match column {
        "at" => "'integer'",
        "used" => "'integer', 'real'",
        "quota_limit" => "'integer', 'real', 'null'",
        "status" => "'text', 'null'",
        _ => "'text'",
    };
    format!(
        "a sample's `{column}` holds {}, which the public schema does not allow; find such \
         samples with `SELECT rowid, * FROM samples WHERE typeof({column}) NOT IN ({expected})` \
         and correct or delete them",
        match found {
            rusqlite::types::Type::Null => "NULL".to_string(),
            rusqlite::types::Type::Integer => "an integer".to_string(),
            rusqlite::types::Type::Real => "a real number".to_string(),
            rusqlite::types::Type::Text => "text".to_string(),
            rusqlite::types::Type::Blob => "a blob".to_string(),
        }
    )
}

/// Why an open store is read only this run.
#[derive(Clone, Debug)]
pub enum ReadOnly {
    /// This process may not write it (the reason, as the system gave it).
    Denied(String),
    /// Another run kept it locked for longer than [`BUSY_TIMEOUT`].
    Busy,
}

impl From<ReadOnly> for Failure {
    fn from(read_only: ReadOnly) -> Failure {
        match read_only {
            ReadOnly::Denied(reason) => Failure::Refused(reason),
            ReadOnly::Busy => Failure::Busy,
        }
    }
}

/// Errors that mean "the file is fine, but this process may not write it".
fn is_access_error(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(
            ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::AuthorizationForStatementDenied
                | ErrorCode::SystemIoFailure
        )
    )
}

fn read_problem(error: rusqlite::Error) -> Problem {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Problem::NotADatabase,
        Some(ErrorCode::DatabaseCorrupt) => Problem::Corrupt(error.to_string()),
        Some(ErrorCode::DatabaseBusy) => Problem::Busy,
        _ => Problem::Unopenable(error.to_string()),
    }
}

/// An open store.
pub struct Store {
    conn: Connection,
    /// `None` when this run may write it.
    read_only: Option<ReadOnly>,
    /// headroom's own tables are there and current (false: a read-only store made by hand).
    aggregates: bool,
}

/// How the file's first 100 bytes look.
enum Header {
    Empty,
    Sqlite {
        in_wal: bool,
        /// Its size disagreed with the header while SQLite's log or journal lay beside it:
        /// most likely a copy someone else has yet to finish, but only a check can tell.
        size_unconfirmed: bool,
    },
}

/// Reads the header without SQLite, so that a file that is not a database, or one whose size
/// disagrees with its header (cut short, or grown by garbage), is refused before anything could
/// write to it.
fn check_header(path: &Path) -> Result<Header, Problem> {
    let (header, wrong_size) = read_header(path)?;
    if wrong_size.is_none() {
        return Ok(header);
    }
    // Another run copying its write-ahead log into the file writes the first page (and the
    // new size in it) before the pages that make the file longer, and a run stopped halfway
    // through leaves the rest to SQLite, which finishes it from the log. So while a log or a
    // rollback journal lies beside the file, only SQLite can tell; and a size seen during
    // someone's copy is read once more.
    if has_companion(path) {
        return Ok(match header {
            Header::Sqlite { in_wal, .. } => Header::Sqlite {
                in_wal,
                size_unconfirmed: true,
            },
            header => header,
        });
    }
    match read_header(path)? {
        (header, None) => Ok(header),
        (_, Some(wrong_size)) => Err(Problem::Corrupt(wrong_size)),
    }
}

/// Whether SQLite's write-ahead log or rollback journal of `path` exists.
fn has_companion(path: &Path) -> bool {
    ["-wal", "-journal"].iter().any(|suffix| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        Path::new(&name).exists()
    })
}

/// The header, and what is wrong with the file's size if its header disagrees with it.
fn read_header(path: &Path) -> Result<(Header, Option<String>), Problem> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)
        .map_err(|e| Problem::Unopenable(format!("cannot open it: {e}")))?;
    let length = file
        .metadata()
        .map_err(|e| Problem::Unopenable(e.to_string()))?
        .len();
    if length == 0 {
        return Ok((Header::Empty, None));
    }
    let mut header = [0u8; 100];
    if length < 100 || file.read_exact(&mut header).is_err() {
        return Err(Problem::NotADatabase);
    }
    if &header[..16] != b"SQLite format 3\0" {
        return Err(Problem::NotADatabase);
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    if !page_size.is_power_of_two() || !(512..=65_536).contains(&page_size) {
        return Err(Problem::Corrupt(
            "its header names no valid page size".into(),
        ));
    }
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    let change_counter = &header[24..28];
    let valid_for = &header[92..96];
    // The header's page count is meant only when it was written with the current change
    // counter (older writers left it stale).
    let wrong_size = (change_counter == valid_for && pages > 0 && pages * page_size != length)
        .then(|| {
            format!("the file is {length} bytes but its header says {pages} pages of {page_size}")
        });
    let header = Header::Sqlite {
        in_wal: header[18] == 2 && header[19] == 2,
        size_unconfirmed: false,
    };
    Ok((header, wrong_size))
}

/// A path as a SQLite `file:` URI (for the `immutable` read of a store that cannot be written).
fn uri(path: &Path) -> String {
    let mut out = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out.push_str("?immutable=1");
    out
}

/// What a store's schema holds.
struct Shape {
    has_samples: bool,
    /// Every object of [`OWN_OBJECTS`] is there.
    own: bool,
}

fn shape(conn: &Connection) -> Result<Shape, Problem> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(read_problem)?;
    if version > SCHEMA_VERSION {
        return Err(Problem::Newer(version));
    }
    let mut names = HashSet::new();
    let mut other_tables = false;
    let mut statement = conn
        .prepare("SELECT name, type FROM sqlite_master")
        .map_err(read_problem)?;
    let rows = statement
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(read_problem)?;
    for row in rows {
        let (name, kind) = row.map_err(read_problem)?;
        if kind == "table"
            && name != "samples"
            && !name.starts_with("sqlite_")
            && !OWN_OBJECTS.contains(&name.as_str())
        {
            other_tables = true;
        }
        names.insert(name);
    }
    let has_samples = names.contains("samples");
    if has_samples {
        let mut columns = HashSet::new();
        let mut info = conn
            .prepare("SELECT name FROM pragma_table_info('samples')")
            .map_err(read_problem)?;
        for name in info
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(read_problem)?
        {
            columns.insert(name.map_err(read_problem)?);
        }
        if let Some(missing) = COLUMNS.iter().find(|c| !columns.contains(**c)) {
            return Err(Problem::Foreign(format!(
                "its samples table has no `{missing}` column"
            )));
        }
    } else if other_tables {
        return Err(Problem::Foreign(
            "it holds other tables and no samples table".into(),
        ));
    }
    Ok(Shape {
        has_samples,
        own: OWN_OBJECTS.iter().all(|name| names.contains(*name)),
    })
}

impl Store {
    /// Opens the store for a run that records: creates the folder (0700) and the file (0600)
    /// when missing, and adds headroom's own tables to a store made by hand. A store that
    /// cannot be written is opened read-only (`read_only()` says why).
    pub fn open(path: &Path) -> Result<Store, Problem> {
        if !path.exists() {
            if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                create_folder(folder).map_err(|e| Problem::Folder(folder.to_path_buf(), e))?;
            }
            match create_file(path) {
                Ok(()) => {}
                // Another run created it first.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Problem::Unopenable(format!("cannot create it: {e}"))),
            }
        }
        let header = check_header(path)?;
        let may_write = std::fs::OpenOptions::new().write(true).open(path).is_ok();
        if !may_write {
            // A file this process may not write is read as it is, without even a `-shm` file
            // beside it.
            return Store::open_immutable(path, ReadOnly::Denied("it is read-only".into()));
        }
        let because = match Store::open_writable(path, &header) {
            Ok(store) => return Ok(store),
            Err(Failure::Damaged(problem)) => return Err(problem),
            Err(Failure::Refused(reason)) => ReadOnly::Denied(reason),
            Err(Failure::Busy) => ReadOnly::Busy,
        };
        // Read with the locks (a busy store is being written by someone else right now), and
        // as it is only where even that is refused (a folder that cannot be written).
        Store::open_to_read(path, because)
    }

    fn open_writable(path: &Path, header: &Header) -> Result<Store, Failure> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Closing copies a write-ahead log left beside the file into it: not before the file
        // has passed its checks, so that a damaged one is left as it was.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let shape = shape(&conn).map_err(|problem| match problem {
            Problem::Unopenable(message) => Failure::Refused(message),
            Problem::Busy => Failure::Busy,
            problem => Failure::Damaged(problem),
        })?;
        let check_first = match header {
            // A file cut short beside a log left by a crash would look the same as one
            // another run is still copying its log into: checked before anything is written.
            Header::Sqlite {
                size_unconfirmed: true,
                ..
            } => true,
            // Switching to WAL rewrites the header: a store made elsewhere is checked whole
            // first, once, so that a damaged one is left exactly as it was.
            Header::Sqlite { in_wal: false, .. } => shape.has_samples,
            _ => false,
        };
        if check_first {
            let verdict: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
            if verdict != "ok" {
                return Err(Failure::Damaged(Problem::Corrupt(verdict)));
            }
        }
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Readers never wait for a writer, and two writers take turns.
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Failure::Refused(format!(
                    "it could not be switched to WAL mode ({mode})"
                )));
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        if !shape.has_samples || !shape.own {
            migrate(&conn, shape.has_samples)?;
        }
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
        Ok(Store {
            conn,
            read_only: None,
            aggregates: true,
        })
    }

    /// Opens a store to read only: as it is when that works, else `immutable` (no lock and no
    /// `-shm` file, for a folder that cannot be written).
    pub fn open_read_only(path: &Path) -> Result<Store, Problem> {
        Store::open_to_read(path, ReadOnly::Denied("it was opened to read only".into()))
    }

    fn open_to_read(path: &Path, because: ReadOnly) -> Result<Store, Problem> {
        let normal = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            Ok(conn)
        });
        match normal {
            Ok(conn) => Store::reader(conn, because),
            Err(error) if is_access_error(&error) => Store::open_immutable(path, because),
            Err(error) => Err(read_problem(error)),
        }
    }

    fn open_immutable(path: &Path, because: ReadOnly) -> Result<Store, Problem> {
        let conn = Connection::open_with_flags(
            uri(path),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(read_problem)?;
        Store::reader(conn, because)
    }

    fn reader(conn: Connection, because: ReadOnly) -> Result<Store, Problem> {
        let shape = shape(&conn)?;
        Ok(Store {
            conn,
            read_only: Some(because),
            aggregates: shape.has_samples && shape.own,
        })
    }

    /// Why this run may not write the store; `None` when it may.
    pub fn read_only(&self) -> Option<&ReadOnly> {
        self.read_only.as_ref()
    }

    fn has_samples(&self) -> rusqlite::Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE name = 'samples'",
                [],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
    }

    /// The latest sample of each key taken at or before `until` (future ones, from a clock
    /// that was ahead, do not count).
    ///
    /// The last few runs' samples are read first, through the time index: they lie together
    /// in the file, where one lookup per key in the key index would read a page per key. Keys
    /// those runs did not answer are then looked up one by one.
    pub fn latest(&self, keys: &[Key], until: i64) -> rusqlite::Result<HashMap<Key, Sample>> {
        let mut out = HashMap::new();
        if !self.has_samples()? {
            return Ok(out);
        }
        let mut missing: HashMap<String, &Key> = keys
            .iter()
            .map(|key| {
                let names = [&key.profile, &key.region, &key.service, &key.resource];
                (joined(names), key)
            })
            .collect();
        if self.aggregates {
            self.latest_of_recent_runs(&mut missing, until, &mut out)?;
        }
        let mut statement = self.conn.prepare_cached(
            "SELECT at, used, quota_limit, status FROM samples
             WHERE profile = ?1 AND region = ?2 AND service = ?3 AND resource = ?4 AND at <= ?5
             ORDER BY at DESC, rowid DESC LIMIT 1",
        )?;
        for key in missing.into_values() {
            let sample = statement
                .query_row(
                    params![key.profile, key.region, key.service, key.resource, until],
                    |r| {
                        Ok(Sample {
                            at: r.get(0)?,
                            used: r.get(1)?,
                            limit: r.get(2)?,
                            status: r.get(3)?,
                        })
                    },
                )
                .optional()?;
            if let Some(sample) = sample {
                out.insert(key.clone(), sample);
            }
        }
        Ok(out)
    }

    /// Walks back over the times of the most recent samples (at most [`RECENT_RUNS`] of them),
    /// taking each missing key's sample at the first time that has one; a time's samples are
    /// taken newest first, as `latest` orders them.
    fn latest_of_recent_runs(
        &self,
        missing: &mut HashMap<String, &Key>,
        until: i64,
        out: &mut HashMap<Key, Sample>,
    ) -> rusqlite::Result<()> {
        let mut previous_time = self
            .conn
            .prepare_cached("SELECT max(at) AS at FROM samples WHERE at <= ?1")?;
        let mut at_time = self.conn.prepare_cached(
            "SELECT profile, region, service, resource, used, quota_limit, status FROM samples
             WHERE at = ?1 ORDER BY rowid DESC",
        )?;
        let mut names = String::new();
        let mut before = until;
        for _ in 0..RECENT_RUNS {
            if missing.is_empty() {
                break;
            }
            let Some(at) = previous_time.query_row([before], |r| r.get::<_, Option<i64>>(0))?
            else {
                break;
            };
            let mut rows = at_time.query([at])?;
            'rows: while let Some(r) = rows.next()? {
                // The names are joined into one buffer to look the key up: no allocation
                // for each row read.
                names.clear();
                for i in 0..4 {
                    // A name that is not text (a store filled elsewhere without types) is no
                    // key asked for: as the one-by-one lookup, which compares text, skips it.
                    let Ok(name) = r.get_ref(i)?.as_str() else {
                        continue 'rows;
                    };
                    push_name(&mut names, name);
                }
                if let Some(key) = missing.remove(names.as_str()) {
                    let sample = Sample {
                        at,
                        used: r.get(4)?,
                        limit: r.get(5)?,
                        status: r.get(6)?,
                    };
                    out.insert(key.clone(), sample);
                }
            }
            before = at - 1;
        }
        Ok(())
    }

    /// Every key in the store, with the provider of its latest sample.
    pub fn keys(&self) -> rusqlite::Result<Vec<(Key, String)>> {
        if !self.has_samples()? {
            return Ok(Vec::new());
        }
        let sql = if self.aggregates {
            "SELECT profile, region, service, resource, coalesce(provider, '') FROM headroom_keys"
        } else {
            "SELECT profile, region, service, resource, max(provider) FROM samples
             GROUP BY profile, region, service, resource"
        };
        let mut statement = self.conn.prepare(sql)?;
        let rows = statement.query_map([], |r| {
            Ok((
                Key {
                    profile: r.get(0)?,
                    region: r.get(1)?,
                    service: r.get(2)?,
                    resource: r.get(3)?,
                },
                r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            ))
        })?;
        rows.collect()
    }

    /// Whether any sample was taken in `[from, to)`.
    fn any_sample(&self, from: i64, to: i64) -> rusqlite::Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM samples WHERE at >= ?1 AND at < ?2 LIMIT 1")?
            .query_row(params![from, to], |_| Ok(()))
            .optional()
            .map(|found| found.is_some())
    }

    /// headroom's ids of the keys, from `headroom_keys`.
    fn key_ids(&self) -> rusqlite::Result<HashMap<i64, Key>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, profile, region, service, resource FROM headroom_keys")?;
        let rows = statement.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Key {
                    profile: r.get(1)?,
                    region: r.get(2)?,
                    service: r.get(3)?,
                    resource: r.get(4)?,
                },
            ))
        })?;
        rows.collect()
    }

    /// What `[from, to)` holds for each of `wanted` (every key when `None`), x counted from
    /// `origin`. Whole days and hours come from the bucket tables; the edges from the samples.
    /// With [`Detail::Trend`] the lowest and highest values are left out (a check does not
    /// show them, and reading fewer columns of a month of buckets is faster).
    pub fn range_stats(
        &self,
        from: i64,
        to: i64,
        origin: i64,
        wanted: Option<&HashSet<Key>>,
        detail: Detail,
    ) -> rusqlite::Result<HashMap<Key, RangeStats>> {
        let mut out: HashMap<Key, RangeStats> = HashMap::new();
        if from >= to || !self.has_samples()? {
            return Ok(out);
        }
        if !self.aggregates {
            self.raw_stats(from, to, origin, wanted, &mut out)?;
            return Ok(out);
        }
        let ids = self.key_ids()?;
        let ids: HashMap<i64, &Key> = ids
            .iter()
            .filter(|(_, key)| wanted.is_none_or(|w| w.contains(*key)))
            .map(|(id, key)| (*id, key))
            .collect();
        // Nothing is normally stored after `to` (now): the current day then counts whole,
        // which spares reading its hours and its last samples one by one.
        let day_end = to.div_euclid(DAY) * DAY + DAY;
        let to = if to < day_end && !self.any_sample(to, day_end)? {
            day_end
        } else {
            to
        };
        let (days, rest) = split(from, to, DAY);
        let read = Reading {
            origin,
            ids: &ids,
            detail,
        };
        if let Some(buckets) = days {
            self.bucket_stats(&DAYS, buckets, &read, &mut out)?;
        }
        for (from, to) in rest {
            let (hours, rest) = split(from, to, HOUR);
            if let Some(buckets) = hours {
                self.bucket_stats(&HOURS, buckets, &read, &mut out)?;
            }
            for (from, to) in rest {
                self.raw_stats(from, to, origin, wanted, &mut out)?;
            }
        }
        Ok(out)
    }

    /// Adds the buckets `first..last` of one level to `out`.
    fn bucket_stats(
        &self,
        level: &Level,
        (first, last): Span,
        read: &Reading<'_>,
        out: &mut HashMap<Key, RangeStats>,
    ) -> rusqlite::Result<()> {
        let Level { table, size } = *level;
        let Reading {
            origin,
            ids,
            detail,
        } = *read;
        let extremes = match detail {
            Detail::Trend => "",
            Detail::Extremes => ", min_used, max_used, max_ratio",
        };
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT key, bucket, n, sx, sxx, sy, sxy, dirty, min_at{extremes}
             FROM {table} WHERE bucket >= ?1 AND bucket < ?2"
        ))?;
        let started = std::time::Instant::now();
        let mut count = 0usize;
        let mut rows = statement.query(params![first, last])?;
        // Summed by id, and named once per key at the end: a month of days for thousands of
        // quotas is a few hundred thousand rows.
        let mut by_id: HashMap<i64, RangeStats> = HashMap::new();
        let mut dirty = Vec::new();
        while let Some(row) = rows.next()? {
            count += 1;
            let id: i64 = row.get(0)?;
            if !ids.contains_key(&id) {
                continue;
            }
            let bucket: i64 = row.get(1)?;
            let moments = Moments {
                n: row.get(2)?,
                sx: row.get(3)?,
                sxx: row.get(4)?,
                sy: row.get(5)?,
                sxy: row.get(6)?,
            };
            let stats = by_id.entry(id).or_default();
            stats
                .moments
                .merge_shifted(&moments, (bucket * size - origin) as f64);
            if row.get::<_, i64>(7)? != 0 {
                dirty.push((id, bucket * size));
            } else {
                stats.first(row.get(8)?);
                if detail == Detail::Extremes {
                    stats.extremes(row.get(9)?, row.get(10)?, row.get(11)?);
                }
            }
        }
        drop(rows);
        if !dirty.is_empty() {
            // A bucket lost its lowest or highest sample: those come from the samples
            // themselves (old, thinned days: one sample a day).
            let mut exact = self.conn.prepare_cached(&format!(
                "SELECT min(used), max(used), max({}), min(at)
                 FROM samples WHERE profile = ?1 AND region = ?2 AND service = ?3
                   AND resource = ?4 AND at >= ?5 AND at < ?6",
                ratio_sql("")
            ))?;
            for (id, start) in dirty {
                let key = ids[&id];
                let (lowest, highest, ratio, first) = exact.query_row(
                    params![
                        key.profile,
                        key.region,
                        key.service,
                        key.resource,
                        start,
                        start + size
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?;
                if let Some(stats) = by_id.get_mut(&id) {
                    stats.first(first);
                    if detail == Detail::Extremes {
                        stats.extremes(lowest, highest, ratio);
                    }
                }
            }
        }
        crate::log::log(3, || {
            format!(
                "history: {count} rows of {table} read in {} ms",
                started.elapsed().as_millis()
            )
        });
        for (id, stats) in by_id {
            let into = out.entry(ids[&id].clone()).or_default();
            into.moments.merge_shifted(&stats.moments, 0.0);
            into.extremes(stats.lowest, stats.highest, stats.highest_ratio);
            into.first(stats.first_at);
        }
        Ok(())
    }

    fn raw_stats(
        &self,
        from: i64,
        to: i64,
        origin: i64,
        wanted: Option<&HashSet<Key>>,
        out: &mut HashMap<Key, RangeStats>,
    ) -> rusqlite::Result<()> {
        self.each_sample(from, to, |key, _, sample| {
            if wanted.is_none_or(|w| w.contains(&key)) {
                out.entry(key).or_default().add(
                    sample.at,
                    (sample.at - origin) as f64,
                    sample.used,
                    sample.limit,
                );
            }
        })
    }

    /// Calls `visit` with every sample in `[from, to)`, in time order.
    pub fn each_sample(
        &self,
        from: i64,
        to: i64,
        mut visit: impl FnMut(Key, String, Sample),
    ) -> rusqlite::Result<()> {
        if !self.has_samples()? {
            return Ok(());
        }
        let mut statement = self.conn.prepare_cached(
            "SELECT profile, region, service, resource, provider, at, used, quota_limit, status
             FROM samples WHERE at >= ?1 AND at < ?2 ORDER BY at, rowid",
        )?;
        let mut rows = statement.query(params![from, to])?;
        while let Some(r) = rows.next()? {
            visit(
                Key {
                    profile: r.get(0)?,
                    region: r.get(1)?,
                    service: r.get(2)?,
                    resource: r.get(3)?,
                },
                r.get(4)?,
                Sample {
                    at: r.get(5)?,
                    used: r.get(6)?,
                    limit: r.get(7)?,
                    status: r.get(8)?,
                },
            );
        }
        Ok(())
    }

    /// The highest used/limit of each key in each of `slices` equal slices of `[from, to)`,
    /// for the sparkline. With the bucket tables, each day (each hour when a slice is shorter
    /// than a day) counts in the slice that holds its middle, so that a year of samples is
    /// read as a few thousand sums.
    pub fn slice_maxima(
        &self,
        from: i64,
        to: i64,
        slices: usize,
    ) -> rusqlite::Result<HashMap<Key, Vec<Option<f64>>>> {
        let mut out: HashMap<Key, Vec<Option<f64>>> = HashMap::new();
        if from >= to || slices == 0 || !self.has_samples()? {
            return Ok(out);
        }
        let width = (to - from) as f64 / slices as f64;
        let slice_of = |at: f64| {
            let index = ((at - from as f64) / width).floor();
            (index >= 0.0 && index < slices as f64).then_some(index as usize)
        };
        let mut put = |key: Key, index: usize, value: Option<f64>| {
            let cells = out.entry(key).or_insert_with(|| vec![None; slices]);
            cells[index] = max_of(cells[index], value).or(Some(f64::NAN));
        };
        let size = if width >= DAY as f64 {
            DAY
        } else if width >= HOUR as f64 {
            HOUR
        } else {
            0
        };
        if !self.aggregates || size == 0 {
            self.each_sample(from, to, |key, _, sample| {
                if let Some(index) = slice_of(sample.at as f64) {
                    put(key, index, ratio(sample.used, sample.limit));
                }
            })?;
            return Ok(finish_slices(out));
        }
        let table = if size == DAY { DAYS.table } else { HOURS.table };
        let ids = self.key_ids()?;
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT key, bucket, max_ratio, dirty FROM {table} WHERE bucket >= ?1 AND bucket <= ?2"
        ))?;
        let mut rows = statement.query(params![from.div_euclid(size), to.div_euclid(size)])?;
        let mut dirty = Vec::new();
        while let Some(row) = rows.next()? {
            let Some(key) = ids.get(&row.get::<_, i64>(0)?) else {
                continue;
            };
            let bucket: i64 = row.get(1)?;
            let middle = (bucket * size) as f64 + size as f64 / 2.0;
            // The bucket of `now` is still filling: its middle may lie ahead.
            let Some(index) = slice_of(middle.min(to as f64 - 1.0)) else {
                continue;
            };
            if row.get::<_, i64>(3)? != 0 {
                dirty.push((key.clone(), bucket * size, index));
            } else {
                put(key.clone(), index, row.get(2)?);
            }
        }
        drop(rows);
        if !dirty.is_empty() {
            let mut exact = self.conn.prepare_cached(&format!(
                "SELECT max({})
                 FROM samples WHERE profile = ?1 AND region = ?2 AND service = ?3
                   AND resource = ?4 AND at >= ?5 AND at < ?6",
                ratio_sql("")
            ))?;
            for (key, start, index) in dirty {
                let value: Option<f64> = exact.query_row(
                    params![
                        key.profile,
                        key.region,
                        key.service,
                        key.resource,
                        start,
                        start + size
                    ],
                    |r| r.get(0),
                )?;
                put(key, index, value);
            }
        }
        Ok(finish_slices(out))
    }

    /// Writes samples taken at different times in one transaction, without the retention (the
    /// demo's simulated past).
    pub fn insert_past(&mut self, samples: &[(i64, NewSample<'_>)]) -> Result<(), Failure> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_samples(&tx, samples.iter().map(|(at, sample)| (*at, sample)))?;
        tx.commit()?;
        Ok(())
    }

    /// Writes one sample per row at `at`, then applies the retention: samples older than
    /// `keep` go, and those older than 35 days are thinned to one per quota and UTC day (the
    /// day's highest `used`). All in one transaction: a run records all of its rows or none.
    pub fn record(
        &mut self,
        at: i64,
        samples: &[NewSample<'_>],
        keep: Duration,
    ) -> Result<(), Failure> {
        if let Some(read_only) = &self.read_only {
            return Err(read_only.clone().into());
        }
        let started = std::time::Instant::now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_samples(&tx, samples.iter().map(|sample| (at, sample)))?;
        let inserted = started.elapsed();
        retain(&tx, at, keep)?;
        let retained = started.elapsed();
        tx.commit()?;
        crate::log::log(2, || {
            format!(
                "history: {} samples inserted in {} ms, retention {} ms, commit {} ms",
                samples.len(),
                inserted.as_millis(),
                (retained - inserted).as_millis(),
                (started.elapsed() - retained).as_millis()
            )
        });
        Ok(())
    }
}

/// Appends samples through the public table (its triggers keep headroom's sums).
fn insert_samples<'a>(
    conn: &Connection,
    samples: impl Iterator<Item = (i64, &'a NewSample<'a>)>,
) -> rusqlite::Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO samples
           (at, profile, provider, region, service, resource, used, quota_limit, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (at, sample) in samples {
        insert.execute(params![
            at,
            sample.key.profile,
            sample.provider,
            sample.key.region,
            sample.key.service,
            sample.key.resource,
            sample.used,
            sample.limit,
            sample.status,
        ])?;
    }
    Ok(())
}

/// A key's four names as one string, each after its length, so that no two keys give the
/// same string whatever their names hold.
fn joined(names: [&String; 4]) -> String {
    let mut out = String::new();
    for name in names {
        push_name(&mut out, name);
    }
    out
}

fn push_name(out: &mut String, name: &str) {
    use std::fmt::Write;
    let _ = write!(out, "{}:{name}", name.len());
}

/// NaN marks a slice that had samples but no ratio (unlimited): it shows as a blank too.
fn finish_slices(out: HashMap<Key, Vec<Option<f64>>>) -> HashMap<Key, Vec<Option<f64>>> {
    out.into_iter()
        .map(|(key, cells)| {
            (
                key,
                cells
                    .into_iter()
                    .map(|c| c.filter(|v| !v.is_nan()))
                    .collect(),
            )
        })
        .collect()
}

/// A range of times `[from, to)`, or of bucket numbers.
type Span = (i64, i64);

/// `[from, to)` as whole buckets of `size` seconds (`first..last`, bucket numbers) and the
/// pieces before and after them.
fn split(from: i64, to: i64, size: i64) -> (Option<Span>, Vec<Span>) {
    let first = from.div_euclid(size) + i64::from(from.rem_euclid(size) != 0);
    let last = to.div_euclid(size);
    if first >= last {
        return (None, vec![(from, to)]);
    }
    let rest = [(from, first * size), (last * size, to)]
        .into_iter()
        .filter(|(a, b)| a < b)
        .collect();
    (Some((first, last)), rest)
}

fn create_folder(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        // The history says what an account holds and how fast it grows: the owner's alone.
        builder.mode(0o700);
    }
    builder.create(folder)
}

fn create_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // SQLite gives its -wal and -shm files the mode of this one.
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// Creates the public table (when missing) and headroom's own objects, and builds the bucket
/// tables from the samples already there (a store filled by someone else).
fn migrate(conn: &Connection, had_samples: bool) -> Result<(), Failure> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| -> rusqlite::Result<()> {
        conn.execute_batch(SAMPLES_TABLE)?;
        conn.execute_batch(&own_schema())?;
        // Whatever headroom's tables held describes samples that may be gone (a `samples`
        // table dropped and made again takes its triggers with it): they are built anew.
        conn.execute_batch(
            "DELETE FROM headroom_days; DELETE FROM headroom_hours; DELETE FROM headroom_meta;
             DELETE FROM headroom_keys;",
        )?;
        if had_samples {
            conn.execute_batch(
                "INSERT INTO headroom_keys (profile, provider, region, service, resource)
                   SELECT profile, max(provider), region, service, resource FROM samples
                   GROUP BY profile, region, service, resource
                   ON CONFLICT (profile, region, service, resource) DO NOTHING;",
            )?;
            for Level { table, size } in [DAYS, HOURS] {
                conn.execute_batch(&format!(
                    "INSERT INTO {table}
                       (bucket, key, n, sx, sxx, sy, sxy, min_used, max_used, max_ratio, min_at)
                     SELECT s.at / {size}, k.id, count(*), sum(s.at % {size}),
                       sum((s.at % {size}) * (s.at % {size})), sum(s.used),
                       sum((s.at % {size}) * s.used), min(s.used), max(s.used),
                       max({ratio}), min(s.at)
                     FROM samples s JOIN headroom_keys k ON k.profile = s.profile
                       AND k.region = s.region AND k.service = s.service
                       AND k.resource = s.resource
                     GROUP BY s.at / {size}, k.id",
                    ratio = ratio_sql("s.")
                ))?;
            }
        }
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(error) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(error.into());
        }
    }
    Ok(())
}

fn meta(conn: &Connection, name: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT value FROM headroom_meta WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .optional()
}

fn set_meta(conn: &Connection, name: &str, value: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO headroom_meta (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )
    .map(drop)
}

/// The retention, kept cheap: expired samples are found through the time index, and only the
/// samples that crossed the 35-day line since the last run (plus any written since by someone
/// else at an older time) are thinned, not the whole past again.
fn retain(conn: &Connection, now: i64, keep: Duration) -> rusqlite::Result<()> {
    let t0 = std::time::Instant::now();
    let lap = |what: &str| {
        crate::log::log(3, || {
            format!("history: {what} at {} ms", t0.elapsed().as_millis())
        })
    };
    let keep = i64::try_from(keep.as_secs()).unwrap_or(i64::MAX);
    conn.execute(
        "DELETE FROM samples WHERE at < ?1",
        [now.saturating_sub(keep)],
    )?;
    lap("expired");
    let cutoff = now - THIN_AFTER_SECONDS;
    let thinned_before = meta(conn, "thinned_before")?;
    let last_rowid = meta(conn, "last_rowid")?;
    let from = match thinned_before {
        Some(before) => before.div_euclid(DAY) * DAY,
        None => i64::MIN,
    };
    if from < cutoff {
        conn.execute(
            "DELETE FROM samples WHERE rowid IN (
               SELECT id FROM (
                 SELECT rowid AS id, row_number() OVER (
                   PARTITION BY profile, region, service, resource, at / 86400
                   ORDER BY used DESC, at DESC, rowid DESC) AS rank
                 FROM samples WHERE at >= ?1 AND at < ?2)
               WHERE rank > 1)",
            params![from, cutoff],
        )?;
    }
    lap("thinned");
    if let (Some(_), Some(last_rowid)) = (thinned_before, last_rowid) {
        // Samples written at an older time since the last run (by a script, by hand): thin
        // the days they fall in.
        // No DISTINCT here: SQLite would answer it from the whole key index. The few new rows
        // are walked by rowid (`+at` keeps the time index out) and grouped here.
        let mut late = conn.prepare(
            "SELECT profile, region, service, resource, at / 86400 FROM samples
             WHERE rowid > ?1 AND +at < ?2",
        )?;
        let groups: std::collections::BTreeSet<(String, String, String, String, i64)> = late
            .query_map(params![last_rowid, from.min(cutoff)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut thin = conn.prepare_cached(
            "DELETE FROM samples WHERE profile = ?1 AND region = ?2 AND service = ?3
               AND resource = ?4 AND at >= ?5 AND at < ?6 AND rowid <> (
                 SELECT rowid FROM samples WHERE profile = ?1 AND region = ?2 AND service = ?3
                   AND resource = ?4 AND at >= ?5 AND at < ?6
                 ORDER BY used DESC, at DESC, rowid DESC LIMIT 1)",
        )?;
        for (profile, region, service, resource, day) in groups {
            let end = (day * DAY + DAY).min(cutoff);
            thin.execute(params![profile, region, service, resource, day * DAY, end])?;
        }
    }
    lap("late");
    set_meta(
        conn,
        "thinned_before",
        thinned_before.map_or(cutoff, |b| b.max(cutoff)),
    )?;
    let max_rowid: Option<i64> =
        conn.query_row("SELECT max(rowid) FROM samples", [], |r| r.get(0))?;
    set_meta(conn, "last_rowid", max_rowid.unwrap_or(0))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_into_whole_buckets_and_edges() {
        assert_eq!(split(0, 86_400 * 2, DAY), (Some((0, 2)), vec![]));
        assert_eq!(
            split(100, 86_400 * 2 + 5, DAY),
            (Some((1, 2)), vec![(100, 86_400), (172_800, 172_805)])
        );
        assert_eq!(split(100, 200, DAY), (None, vec![(100, 200)]));
    }

    #[test]
    fn uri_escapes_what_sqlite_reads_as_syntax() {
        assert_eq!(
            uri(Path::new("/a b/x?y#z%.sqlite")),
            "file:/a b/x%3fy%23z%25.sqlite?immutable=1"
        );
    }
}
