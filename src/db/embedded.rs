//! The embedded default: a private PostgreSQL cluster started from the machine's PostgreSQL binaries, listening on a
//! Unix socket only, reused across starts, stopped on exit and never left behind when this process dies.

use std::ffi::CString;
use std::io::{BufRead, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

const INSTALL_HINT: &str = "PostgreSQL binaries (initdb, postgres) not found: install them (Debian/Ubuntu: `sudo apt-get install postgresql`) or set DATABASE_URL to an existing server";
const SUPERUSER: &str = "postgres";
const PORT: u16 = 5432;
/// Unix socket paths are limited to 107 bytes (sun_path); ".s.PGSQL.5432" is appended to the directory.
const MAX_SOCKET_PATH: usize = 107;

/// How the cluster is tuned: durable for the server, fast for throw-away test clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Ephemeral,
}

/// A running private cluster. Dropping it stops PostgreSQL (fast shutdown) and waits for it to exit.
pub struct EmbeddedPg {
    root: PathBuf,
    socket_dir: PathBuf,
    pid: i32,
    supervisor: Option<std::thread::JoinHandle<()>>,
}

struct Owner {
    uid: u32,
    gid: u32,
}

impl EmbeddedPg {
    /// Starts (initialising on first use) the cluster kept in `root` and waits until it accepts connections.
    pub async fn start(root: &Path, durability: Durability) -> anyhow::Result<EmbeddedPg> {
        let bin = find_binaries().ok_or_else(|| anyhow!(INSTALL_HINT))?;
        std::fs::create_dir_all(root).with_context(|| format!("cannot create {}", root.display()))?;
        let root = root.canonicalize()?;
        let owner = cluster_owner()?;
        if let Some(owner) = &owner {
            check_reachable(&root)?;
            chown(&root, owner)?;
        }
        let pgdata = root.join("data");
        let socket_dir = socket_dir_for(&root);
        std::fs::create_dir_all(&socket_dir)?;
        std::fs::set_permissions(&socket_dir, std::fs::Permissions::from_mode(0o700))?;
        if let Some(owner) = &owner {
            chown(&socket_dir, owner)?;
        }
        if !pgdata.join("PG_VERSION").exists() {
            initdb(&bin, &pgdata, owner.as_ref(), durability)?;
        }
        refuse_if_running(&pgdata)?;

        let log_path = root.join("postgres.log");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&log_path)?;
        if let Some(owner) = &owner {
            chown(&log_path, owner)?;
        }
        let mut cmd = Command::new(bin.join("postgres"));
        cmd.arg("-D")
            .arg(&pgdata)
            .args(["-c", "listen_addresses="])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", socket_dir.display()))
            .args(["-c", &format!("port={PORT}")])
            .args(["-c", "max_connections=200"])
            .args(["-c", &format!("shared_buffers={}MB", shared_buffers_mb(durability))]);
        if durability == Durability::Ephemeral {
            cmd.args(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        cmd.stdin(Stdio::null()).stdout(log.try_clone()?).stderr(log);
        prepare_child(&mut cmd, owner.as_ref());

        // The child is spawned and waited on by one long-lived thread: PR_SET_PDEATHSIG fires when the *thread* that
        // spawned the child exits, so it must not be a runtime worker that may go away.
        let (tx, rx) = mpsc::channel();
        let supervisor =
            std::thread::Builder::new().name("embedded-postgres".into()).spawn(move || match cmd.spawn() {
                Ok(mut child) => {
                    let _ = tx.send(Ok(child.id() as i32));
                    let _ = child.wait();
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                }
            })?;
        let pid = rx.recv()?.context("cannot start postgres")?;
        let pg = EmbeddedPg { root: root.clone(), socket_dir, pid, supervisor: Some(supervisor) };
        pg.wait_ready(&log_path).await?;
        Ok(pg)
    }

    /// Connection options for `database` on this cluster, as the bootstrap superuser over the Unix socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new().socket(&self.socket_dir).port(PORT).username(SUPERUSER).database(database)
    }

    /// A URL for `database` on this cluster (the socket directory travels as the `host` parameter).
    pub fn url(&self, database: &str) -> String {
        let mut url =
            url::Url::parse(&format!("postgres://{SUPERUSER}@localhost:{PORT}/{database}")).expect("valid URL");
        url.query_pairs_mut().append_pair("host", &self.socket_dir.to_string_lossy());
        url.to_string()
    }

    /// Creates `database` unless it exists and returns options to reach it.
    pub async fn ensure_database(&self, database: &str) -> anyhow::Result<PgConnectOptions> {
        let mut conn = PgConnection::connect_with(&self.connect_options("postgres")).await?;
        let exists = sqlx::query_scalar!(
            r#"select exists(select 1 from pg_database where datname = $1) as "exists!""#,
            database
        )
        .fetch_one(&mut conn)
        .await?;
        if !exists {
            // A database's name is an identifier, which no statement takes as a parameter.
            let sql = format!("create database \"{}\"", database.replace('"', ""));
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await?;
        }
        conn.close().await?;
        Ok(self.connect_options(database))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    async fn wait_ready(&self, log_path: &Path) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match PgConnection::connect_with(&self.connect_options("postgres")).await {
                Ok(conn) => {
                    conn.close().await?;
                    return Ok(());
                }
                Err(e) => {
                    if !process_alive(self.pid) || Instant::now() > deadline {
                        bail!("embedded PostgreSQL did not start ({e}); its log says:\n{}", tail(log_path, 8));
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Fast shutdown: PostgreSQL disconnects clients, checkpoints and exits.
    pub fn stop(&mut self) {
        let Some(supervisor) = self.supervisor.take() else {
            return;
        };
        // SAFETY: plain signal to the child we started.
        unsafe { libc::kill(self.pid, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !supervisor.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if !supervisor.is_finished() {
            // SAFETY: as above; immediate shutdown when the fast one hangs.
            unsafe { libc::kill(self.pid, libc::SIGQUIT) };
        }
        let _ = supervisor.join();
    }
}

impl Drop for EmbeddedPg {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The cluster's buffer cache: a quarter of the machine's memory, as PostgreSQL's own guidance has it, from 128 MB
/// (its default) to 4 GB. A cache far smaller than the tables and indexes a page reads turns every read into a copy
/// from the operating system's cache. Test clusters, many at once and short-lived, keep the default.
fn shared_buffers_mb(durability: Durability) -> u64 {
    if durability == Durability::Ephemeral {
        return 128;
    }
    let total_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().find(|l| l.starts_with("MemTotal:"))?.split_whitespace().nth(1)?.parse::<u64>().ok());
    total_kb.map_or(128, |kb| (kb / 1024 / 4).clamp(128, 4096))
}

/// Finds a folder holding both `initdb` and `postgres`: on PATH, then the usual install folders (newest version
/// first).
pub fn find_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let mut candidates: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    for pattern in ["/usr/lib/postgresql", "/usr/local/pgsql", "/opt/homebrew/opt", "/usr/local/opt", "/usr"] {
        let Ok(entries) = std::fs::read_dir(pattern) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                pattern == "/usr/lib/postgresql" || name.starts_with("postgresql") || name.starts_with("pgsql")
            })
            .map(|p| p.join("bin"))
            .collect();
        found.sort_by_key(|p| std::cmp::Reverse(version_of(p)));
        candidates.extend(found);
    }
    candidates.push(PathBuf::from("/usr/local/pgsql/bin"));
    candidates.into_iter().find(|d| has_both(d))
}

fn version_of(bin: &Path) -> u32 {
    bin.parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .map(|n| n.chars().filter(|c| c.is_ascii_digit()).collect::<String>())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

/// PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` system user.
fn cluster_owner() -> anyhow::Result<Option<Owner>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let name = CString::new(SUPERUSER)?;
    // SAFETY: getpwnam returns null or a pointer to static storage, read immediately.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        bail!(
            "running as root, the embedded PostgreSQL needs the `postgres` system user to run as; install PostgreSQL (`apt-get install postgresql`) or set DATABASE_URL"
        );
    }
    // SAFETY: checked non-null above.
    let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
    Ok(Some(Owner { uid, gid }))
}

fn check_reachable(root: &Path) -> anyhow::Result<()> {
    for dir in root.ancestors().skip(1) {
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o001 == 0 {
            bail!(
                "the embedded PostgreSQL runs as the `postgres` user, which cannot enter {}; set TRIBUTARY_DATA_DIR to a folder it can reach (for example under /var/lib or /tmp)",
                dir.display()
            );
        }
    }
    Ok(())
}

fn chown(path: &Path, owner: &Owner) -> anyhow::Result<()> {
    std::os::unix::fs::chown(path, Some(owner.uid), Some(owner.gid))
        .with_context(|| format!("cannot hand {} to the postgres user", path.display()))
}

fn socket_dir_for(root: &Path) -> PathBuf {
    let preferred = root.join("run");
    if preferred.as_os_str().len() + "/.s.PGSQL.5432".len() < MAX_SOCKET_PATH {
        return preferred;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(root.as_os_str().as_encoded_bytes());
    std::env::temp_dir().join(format!("tributary-pg-{}", &hex::encode(digest)[..12]))
}

fn prepare_child(cmd: &mut Command, owner: Option<&Owner>) {
    if let Some(owner) = owner {
        cmd.uid(owner.uid).gid(owner.gid);
        cmd.env("HOME", "/tmp");
    }
    // SAFETY: the closure runs in the forked child before exec and only calls async-signal-safe functions.
    // std applies uid/gid before running it, which matters: a credential change would clear the death signal.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT as libc::c_ulong) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may already be gone between fork and prctl.
            if libc::getppid() == 1 {
                return Err(std::io::Error::other("parent exited"));
            }
            Ok(())
        });
    }
}

fn initdb(bin: &Path, pgdata: &Path, owner: Option<&Owner>, durability: Durability) -> anyhow::Result<()> {
    let attempt = |locale_args: &[&str]| -> anyhow::Result<std::process::Output> {
        let mut cmd = Command::new(bin.join("initdb"));
        cmd.arg("-D").arg(pgdata).args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]).args(locale_args);
        if durability == Durability::Ephemeral {
            cmd.arg("--no-sync");
        }
        cmd.stdin(Stdio::null());
        prepare_child(&mut cmd, owner);
        cmd.output().context("cannot run initdb")
    };
    let mut out = attempt(&["--locale=C.UTF-8"])?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(pgdata);
        out = attempt(&["--no-locale"])?;
    }
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(pgdata);
        let stderr = String::from_utf8_lossy(&out.stderr);
        bail!("initdb failed: {}", stderr.lines().last().unwrap_or("no message"));
    }
    let mut conf = std::fs::OpenOptions::new().append(true).open(pgdata.join("postgresql.conf"))?;
    writeln!(conf, "\n# tributary embedded defaults\nlisten_addresses = ''\nunix_socket_permissions = 0700")?;
    Ok(())
}

fn refuse_if_running(pgdata: &Path) -> anyhow::Result<()> {
    let Ok(file) = std::fs::File::open(pgdata.join("postmaster.pid")) else {
        return Ok(());
    };
    let first = std::io::BufReader::new(file).lines().next().and_then(|l| l.ok()).unwrap_or_default();
    if let Ok(pid) = first.trim().parse::<i32>() {
        if process_alive(pid) && is_postgres(pid) {
            bail!(
                "the embedded database in {} is already in use by another process (postgres pid {pid}); stop the other Tributary or choose another TRIBUTARY_DATA_DIR",
                pgdata.display()
            );
        }
    }
    Ok(())
}

fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks existence; zombies of our own children count as gone via /proc state.
    let exists = unsafe { libc::kill(pid, 0) } == 0;
    exists
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.split(") ").nth(1).unwrap_or("").starts_with('Z'))
            .unwrap_or(true)
}

fn is_postgres(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|c| c.trim().starts_with("postgres")).unwrap_or(true)
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
