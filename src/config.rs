//! Typed configuration read from the environment, with defaults that run locally.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use rand::RngCore;

use crate::auth::client::{self, Cidr};

#[derive(Clone, Debug)]
pub struct Config {
    /// `None` means: start the embedded PostgreSQL cluster in `data_dir/pg`.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub secret: Vec<u8>,
    /// Set explicitly, or derived from the listen address once it is bound.
    pub base_url: Option<String>,
    pub smtp_url: Option<String>,
    /// How many connections the server keeps to PostgreSQL.
    pub db_pool: u32,
    /// Peers whose `X-Forwarded-For` / `Forwarded` headers name the client (reverse proxies, load balancers).
    pub trusted_proxies: Vec<Cidr>,
}

/// The default pool: four connections per core. More connections than that only make PostgreSQL's backends take turns
/// on the same cores (measured on 2 cores: 8 connections serve the partner home a quarter faster than 16).
pub fn default_db_pool() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    (4 * cores).clamp(4, 32)
}

impl Config {
    /// Reads the environment (see API.md, "Configuration"). The signing secret is generated once and kept in the
    /// data directory so that tokens survive a restart.
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(var("TRIBUTARY_DATA_DIR").unwrap_or_else(|| "./.tributary".into()));
        let listen_raw = var("TRIBUTARY_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_raw
            .parse()
            .with_context(|| format!("TRIBUTARY_LISTEN={listen_raw:?} is not an address like 127.0.0.1:8080"))?;
        let base_url = var("TRIBUTARY_BASE_URL").map(|u| u.trim_end_matches('/').to_string());
        if let Some(u) = &base_url {
            let parsed = url::Url::parse(u).with_context(|| format!("TRIBUTARY_BASE_URL={u:?} is not a URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                bail!("TRIBUTARY_BASE_URL={u:?} must start with http:// or https://");
            }
        }
        let secret = match var("TRIBUTARY_SECRET") {
            Some(s) if s.len() < 32 => {
                bail!("TRIBUTARY_SECRET must be at least 32 characters long")
            }
            Some(s) => s.into_bytes(),
            None => load_or_create_secret(&data_dir)?,
        };
        let db_pool = match var("TRIBUTARY_DB_POOL") {
            None => default_db_pool(),
            Some(v) => match v.trim().parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => bail!("TRIBUTARY_DB_POOL={v:?} is not a number of connections from 1 to 1000"),
            },
        };
        let trusted_proxies = match var("TRIBUTARY_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(v) => client::parse_list(&v).map_err(|bad| {
                anyhow::anyhow!(
                    "TRIBUTARY_TRUSTED_PROXIES: {bad:?} is not an address or a block like 10.0.0.0/8 or fd00::/8"
                )
            })?,
        };
        Ok(Config {
            database_url: var("DATABASE_URL"),
            data_dir,
            listen,
            secret,
            base_url,
            smtp_url: var("TRIBUTARY_SMTP_URL"),
            db_pool,
            trusted_proxies,
        })
    }

    /// A configuration for tests and tools: no files touched, a fixed secret.
    pub fn for_tests(database_url: String) -> Config {
        Config {
            database_url: Some(database_url),
            data_dir: std::env::temp_dir().join("tributary-test-data"),
            listen: "127.0.0.1:0".parse().expect("valid address"),
            secret: b"test-secret-test-secret-test-secret!".to_vec(),
            base_url: Some("http://127.0.0.1:8080".into()),
            smtp_url: None,
            db_pool: default_db_pool(),
            trusted_proxies: Vec::new(),
        }
    }
}

fn load_or_create_secret(data_dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    write_private(&path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret.into_bytes())
}

fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())
}
