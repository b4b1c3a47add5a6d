//! Addresses in pages and redirects: a query value percent-encoded, and only paths of this
//! site followed after sign-in or a language switch.

/// Percent-encoding of a query value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `next` when it is a path of this site (not `//host`, not `/\host`, no scheme, no control
/// characters), else `None`: a login must never send the browser elsewhere.
pub fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 1000
        && !next.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for ok in [
            "/",
            "/pro/patient?cafat=1234567&birth_date=1985-03-14",
            "/patient",
        ] {
            assert_eq!(local_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/ok\\..",
            "javascript:alert(1)",
            "/a\nb",
            "pro",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn encoding_keeps_paths_readable_and_escapes_the_rest() {
        assert_eq!(encode("/pro/patient?x=1&y"), "/pro/patient%3Fx%3D1%26y");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
