//! `schema.sql` is today's schema as the migrations make it, so a reader sees the tables and functions without
//! replaying every migration. `scripts/schema` writes it anew.

use crate::support::*;

/// The schema of a migrated database as `pg_dump` writes it, without what varies between machines and runs.
fn dump(database_url: &str) -> String {
    let pg_dump = tributary::db::embedded::find_binaries()
        .map(|dir| dir.join("pg_dump"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| "pg_dump".into());
    let out = std::process::Command::new(pg_dump)
        .args(["--schema-only", "--no-owner", "--no-tablespaces", "--dbname", database_url])
        .output()
        .expect("run pg_dump");
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let kept: Vec<&str> = text
        .lines()
        // The versions that dumped it, and the random key newer pg_dump versions guard the script with.
        .filter(|l| !l.starts_with("-- Dumped from") && !l.starts_with("-- Dumped by"))
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect();
    format!("{}\n", kept.join("\n").trim())
}

#[tokio::test]
async fn schema_sql_is_what_the_migrations_make() {
    let app = TestApp::new().await;
    let schema = dump(&app.database_url());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.sql");
    if std::env::var_os("TRIBUTARY_WRITE_SCHEMA").is_some() {
        std::fs::write(path, &schema).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(committed == schema, "schema.sql differs from what the migrations make: run scripts/schema and commit it");
}
