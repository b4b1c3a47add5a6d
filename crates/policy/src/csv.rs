//! The tiny CSV dialect of the reference files: comma-separated, one record a line, no commas
//! inside fields. Blank lines and lines starting with `#` are skipped; surrounding spaces and
//! double quotes (as spreadsheets write them) are removed.

/// One record, with its 1-based line number for error messages.
pub(crate) struct Record<'a> {
    pub line: usize,
    pub fields: Vec<&'a str>,
}

pub(crate) fn records(text: &str) -> impl Iterator<Item = Record<'_>> {
    text.lines().enumerate().filter_map(|(index, raw)| {
        let line = raw.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let fields = line.split(',').map(clean).collect();
        Some(Record {
            line: index + 1,
            fields,
        })
    })
}

fn clean(field: &str) -> &str {
    let f = field.trim();
    f.strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(f)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_comments_blanks_and_quotes() {
        let text = "\u{feff}a,b\r\n\n# note\n \"x\" , y \n";
        let got: Vec<(usize, Vec<&str>)> = records(text).map(|r| (r.line, r.fields)).collect();
        assert_eq!(got, vec![(1, vec!["a", "b"]), (4, vec!["x", "y"])]);
    }
}
