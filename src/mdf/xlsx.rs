//! The ledger as an Excel workbook: one sheet, a header row, amounts as numbers (UTC times as text, sortable).

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::store::LedgerEntry;
use crate::error::{Error, Result};

pub fn ledger(rows: &[LedgerEntry]) -> Result<Vec<u8>> {
    build(rows).map_err(|e| Error::Internal(anyhow::anyhow!("writing the ledger workbook: {e}")))
}

fn build(rows: &[LedgerEntry]) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("MDF ledger")?;
    let bold = Format::new().set_bold();
    let amount = Format::new().set_num_format("#,##0.00");
    let header = [
        "Created",
        "Kind",
        "Amount",
        "Currency",
        "Partner",
        "Note",
        "Partner id",
        "Fund id",
        "Allocation id",
        "Request id",
        "Id",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, r.created_at.format("%Y-%m-%d %H:%M:%S").to_string())?;
        sheet.write_string(row, 1, &r.kind)?;
        sheet.write_number_with_format(row, 2, r.amount.to_f64().unwrap_or_default(), &amount)?;
        sheet.write_string(row, 3, &r.currency)?;
        sheet.write_string(row, 4, &r.partner_name)?;
        sheet.write_string(row, 5, &r.note)?;
        sheet.write_string(row, 6, r.partner_id.to_string())?;
        sheet.write_string(row, 7, r.fund_id.to_string())?;
        sheet.write_string(row, 8, r.allocation_id.to_string())?;
        sheet.write_string(row, 9, r.request_id.map(|x| x.to_string()).unwrap_or_default())?;
        sheet.write_string(row, 10, r.id.to_string())?;
    }
    sheet.set_column_width(0, 17)?;
    sheet.set_column_width(4, 28)?;
    sheet.set_column_width(5, 30)?;
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
