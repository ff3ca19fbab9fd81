//! The ledger as finance downloads it, for the API and the pages alike: CSV (`csv`) or an XLSX workbook
//! (`super::xlsx`), oldest row first, as an attachment.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::store::LedgerEntry;
use crate::error::{Error, Result};

/// The rows as CSV: one header line, amounts with two decimals, times in RFC 3339.
pub fn csv(rows: Vec<LedgerEntry>) -> Result<Response> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160 + 200));
    let header = [
        "created_at",
        "kind",
        "amount",
        "currency",
        "partner",
        "partner_id",
        "fund_id",
        "allocation_id",
        "request_id",
        "note",
        "id",
    ];
    let fail = |e: csv::Error| Error::Internal(e.into());
    w.write_record(header).map_err(fail)?;
    for r in rows {
        w.write_record([
            r.created_at.to_rfc3339(),
            r.kind,
            format!("{:.2}", r.amount),
            r.currency,
            r.partner_name,
            r.partner_id.to_string(),
            r.fund_id.to_string(),
            r.allocation_id.to_string(),
            r.request_id.map(|i| i.to_string()).unwrap_or_default(),
            r.note,
            r.id.to_string(),
        ])
        .map_err(fail)?;
    }
    let body = w.into_inner().map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"mdf-ledger.csv\""),
        ],
        body,
    )
        .into_response())
}

/// The rows as an Excel workbook, written off the async threads.
pub async fn xlsx(rows: Vec<LedgerEntry>) -> Result<Response> {
    let body = tokio::task::spawn_blocking(move || super::xlsx::ledger(&rows))
        .await
        .map_err(|e| Error::Internal(e.into()))??;
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    r.headers_mut()
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"mdf-ledger.xlsx\""));
    Ok(r)
}
