//! Proof-of-performance files: which are accepted, judged by the file's own leading bytes and by its name together
//! (a renamed executable is neither a PDF nor a spreadsheet), and how their names are kept safe for a download.

/// The most one file may hold: 10 MiB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most an upload request may carry (the file, its multipart framing and a few small fields): 11 MiB. Larger
/// bodies are refused with 413 before they are read.
pub const MAX_BODY_BYTES: usize = 11 * 1024 * 1024;

/// What the file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magic {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    /// A ZIP container: Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp).
    Zip,
    /// The OLE compound file of the older Office formats (doc, xls, ppt).
    Ole,
    /// Plain text (for CSV): valid UTF-8 without NUL or other control bytes but tab, CR and LF.
    Text,
}

fn magic(bytes: &[u8]) -> Option<Magic> {
    let starts = |p: &[u8]| bytes.starts_with(p);
    if starts(b"%PDF-") {
        Some(Magic::Pdf)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(Magic::Png)
    } else if starts(b"\xff\xd8\xff") {
        Some(Magic::Jpeg)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(Magic::Gif)
    } else if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(Magic::Webp)
    } else if starts(b"PK\x03\x04") {
        Some(Magic::Zip)
    } else if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        Some(Magic::Ole)
    } else if !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok()
        && bytes.iter().all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\r' | b'\n'))
    {
        Some(Magic::Text)
    } else {
        None
    }
}

/// The accepted extensions, the leading bytes each must have, and the content type the file is served with.
const ACCEPTED: &[(&str, Magic, &str)] = &[
    ("pdf", Magic::Pdf, "application/pdf"),
    ("png", Magic::Png, "image/png"),
    ("jpg", Magic::Jpeg, "image/jpeg"),
    ("jpeg", Magic::Jpeg, "image/jpeg"),
    ("gif", Magic::Gif, "image/gif"),
    ("webp", Magic::Webp, "image/webp"),
    ("docx", Magic::Zip, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", Magic::Zip, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pptx", Magic::Zip, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("odt", Magic::Zip, "application/vnd.oasis.opendocument.text"),
    ("ods", Magic::Zip, "application/vnd.oasis.opendocument.spreadsheet"),
    ("odp", Magic::Zip, "application/vnd.oasis.opendocument.presentation"),
    ("doc", Magic::Ole, "application/msword"),
    ("xls", Magic::Ole, "application/vnd.ms-excel"),
    ("ppt", Magic::Ole, "application/vnd.ms-powerpoint"),
    ("csv", Magic::Text, "text/csv"),
];

/// What the upload form says is accepted, for messages.
pub const ACCEPTED_TEXT: &str = "PDF, PNG, JPEG, GIF, WebP, Word, Excel, PowerPoint, OpenDocument or CSV";

/// The content type of an accepted file, or why it is refused: its name's extension must be an accepted one and its
/// leading bytes must be of that kind.
pub fn check(file_name: &str, bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.is_empty() {
        return Err("The file is empty.".into());
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err("The file is larger than 10 MiB.".into());
    }
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some(&(_, want, content_type)) = ACCEPTED.iter().find(|(e, _, _)| *e == ext) else {
        return Err(format!("Upload a {ACCEPTED_TEXT} file."));
    };
    // Text is judged on a prefix: a multi-byte character cut at the end of it is no reason to refuse.
    let head = if want == Magic::Text { &bytes[..text_prefix(bytes)] } else { bytes };
    if magic(head) != Some(want) {
        return Err(format!("The file's content is not a .{ext} file."));
    }
    Ok(content_type)
}

/// The length of the first 64 KiB of `bytes`, cut back to a character boundary.
fn text_prefix(bytes: &[u8]) -> usize {
    let mut n = bytes.len().min(64 * 1024);
    while n > 0 && n < bytes.len() && (bytes[n] & 0xc0) == 0x80 {
        n -= 1;
    }
    n
}

/// A file name fit to keep and to send back: the last path segment, control and quoting characters dropped, at most
/// 255 characters. None when nothing is left.
pub fn clean_name(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | ';')).take(255).collect();
    let name = name.trim().to_string();
    (!name.is_empty() && name != "." && name != "..").then_some(name)
}

/// A `Content-Disposition: attachment` value: an ASCII fallback name and the UTF-8 name (RFC 6266, 5987).
pub fn disposition(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_an_image_an_office_file_and_a_csv_are_accepted_by_name_and_content() {
        assert_eq!(check("invoice.PDF", b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(check("booth.jpg", b"\xff\xd8\xff\xe0rest"), Ok("image/jpeg"));
        assert_eq!(check("hall.webp", b"RIFF\x10\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert!(check("attendees.xlsx", b"PK\x03\x04rest").is_ok());
        assert!(check("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest").is_ok());
        assert_eq!(check("leads.csv", "name,company\nJosé,Acme\n".as_bytes()), Ok("text/csv"));
    }

    #[test]
    fn a_disguised_or_unknown_file_is_refused() {
        // An executable renamed to .pdf, a PDF renamed to .png, a script, a binary "CSV", an empty file.
        assert!(check("invoice.pdf", b"MZ\x90\0\x03").is_err());
        assert!(check("photo.png", b"%PDF-1.4").is_err());
        assert!(check("run.sh", b"#!/bin/sh\n").is_err());
        assert!(check("leads.csv", b"a,b\n\0\x01\x02").is_err());
        assert!(check("noext", b"%PDF-1.4").is_err());
        assert!(check("empty.pdf", b"").is_err());
    }

    #[test]
    fn a_file_over_ten_mebibytes_is_refused() {
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        assert!(check("big.pdf", &big).is_err());
        big.truncate(MAX_FILE_BYTES);
        assert!(check("big.pdf", &big).is_ok());
    }

    #[test]
    fn names_lose_their_paths_and_quotes() {
        assert_eq!(clean_name("C:\\Users\\me\\Invoice \"May\".pdf").as_deref(), Some("Invoice May.pdf"));
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_name("  "), None);
        assert_eq!(
            disposition("Rechnung März.pdf"),
            "attachment; filename=\"Rechnung M_rz.pdf\"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf"
        );
    }
}
