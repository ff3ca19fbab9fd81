//! The program's own settings kept on the tenant: its time zone.

use crate::db::Tx;

/// The program's time zone, by IANA name.
pub async fn time_zone(tx: &mut Tx) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("select time_zone from tenants where id = app_current_tenant()").fetch_one(&mut **tx).await
}

/// Sets the program's time zone, through the one function that may change the transaction's own tenant (audited by
/// the `tenants_audit` trigger).
pub async fn set_time_zone(tx: &mut Tx, zone: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("select app_set_tenant_time_zone($1)", zone).execute(&mut **tx).await.map(drop)
}

/// Today in the program's zone: deadlines are days there, whoever asks and wherever the server runs.
pub async fn today(tx: &mut Tx) -> Result<chrono::NaiveDate, sqlx::Error> {
    let zone = crate::web::format::zone(&time_zone(tx).await?).unwrap_or(chrono_tz::Tz::UTC);
    Ok(crate::web::format::today_in(zone, chrono::Utc::now()))
}
