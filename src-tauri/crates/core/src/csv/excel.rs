//! CSV files Prestage writes for people (results, report, audit log, pass delivery): UTF-8 with a
//! byte-order mark and CRLF line ends, so Excel opens them cleanly on Windows and macOS. Quoting
//! is the csv crate's; formula cells are neutralized by the caller where a cell can start one.

use ::csv::{QuoteStyle, Terminator, Writer, WriterBuilder};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A writer whose bytes start with the BOM; fields quoted only where needed.
pub(crate) fn writer() -> Writer<Vec<u8>> {
    writer_quoting(QuoteStyle::Necessary)
}

/// The same, with the quoting chosen (mail merges want every field quoted).
pub(crate) fn writer_quoting(quote: QuoteStyle) -> Writer<Vec<u8>> {
    WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .quote_style(quote)
        .from_writer(BOM.to_vec())
}

/// The file's bytes (writing to memory cannot fail).
pub(crate) fn bytes(w: Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().unwrap_or_default()
}
