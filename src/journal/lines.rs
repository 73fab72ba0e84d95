//! Reading a journal file line by line: comments and blank lines skipped, a BOM and CRLF
//! line ends accepted, over-long lines refused without reading them into memory, and
//! every problem tied to its line number.
//!
//! A recorded line (one with `hash`) is sealed: it must be byte for byte what `export`
//! wrote (its canonical JSON), and it may not be commented out. Without that, a changed
//! byte that leaves the parsed content the same (`1.0` written `1e0`, a trailing space)
//! or that turns the line into a comment would pass unnoticed.

use std::io::BufRead;

use serde_json::{Map, Value};

use crate::model::{Invalid, canonical, describe};

/// The longest line read, in bytes; longer lines are refused unread.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// One line of a journal that holds an event (or fails to).
pub struct Line {
    /// 1-based line number in the file.
    pub number: usize,
    /// The event object, or what is wrong with the line.
    pub content: Result<Map<String, Value>, Invalid>,
}

/// Iterates over the event lines of a journal.
pub struct Lines<R> {
    reader: R,
    number: usize,
    buffer: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    /// Reads from `reader`.
    pub fn new(reader: R) -> Lines<R> {
        Lines {
            reader,
            number: 0,
            buffer: Vec::new(),
        }
    }

    /// Reads the next raw line into the buffer; `Ok(false)` at the end. A line over the
    /// limit is skipped to its end and reported.
    fn read_raw(&mut self) -> std::io::Result<Result<bool, Invalid>> {
        self.buffer.clear();
        let mut total = 0usize;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(Ok(total > 0));
            }
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            total += take;
            if total <= MAX_LINE_BYTES {
                self.buffer.extend_from_slice(&chunk[..take]);
            }
            self.reader.consume(take);
            if done {
                break;
            }
        }
        if total > MAX_LINE_BYTES {
            return Ok(Err(Invalid::new(format!(
                "the line is {total} bytes long; a journal line may be at most {MAX_LINE_BYTES} bytes"
            ))));
        }
        Ok(Ok(true))
    }
}

impl<R: BufRead> Lines<R> {
    /// The next event line as its bytes (line end, and a BOM on line 1, removed), for a
    /// reader with a faster way to read some lines than [`parse_line`]; `None` at the end.
    pub fn next_raw(&mut self) -> Option<std::io::Result<RawLine<'_>>> {
        let (number, content) = loop {
            let read = match self.read_raw() {
                Ok(read) => read,
                Err(e) => return Some(Err(e)),
            };
            self.number += 1;
            let number = self.number;
            match read {
                Ok(false) => return None,
                Err(problem) => break (number, Err(problem)),
                Ok(true) => {}
            }
            let mut bytes = self.buffer.as_slice();
            let mut start = 0;
            if number == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                start = 3;
                bytes = &bytes[3..];
            }
            let bytes = trim_end(bytes);
            let end = start + bytes.len();
            let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
            match first.map(|i| (i, bytes[i])) {
                None => continue,
                Some((i, b'#')) => match commented_record(&bytes[i + 1..]) {
                    None => continue,
                    Some(problem) => break (number, Err(problem)),
                },
                Some(_) => break (number, Ok(start..end)),
            }
        };
        let content = content.map(|range| self.buffer.get(range).unwrap_or_default());
        Some(Ok(RawLine { number, content }))
    }
}

/// One line of a journal that holds an event, unparsed (see [`Lines::next_raw`]).
pub struct RawLine<'a> {
    /// 1-based line number in the file.
    pub number: usize,
    /// The line's bytes, or what is wrong with the line.
    pub content: Result<&'a [u8], Invalid>,
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = std::io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.next_raw()?.map(|raw| Line {
            number: raw.number,
            content: raw.content.and_then(parse_line),
        }))
    }
}

/// Parses the bytes of an event line: a JSON object, and for a recorded line, sealed.
pub fn parse_line(bytes: &[u8]) -> Result<Map<String, Value>, Invalid> {
    parse_object(bytes).and_then(|map| sealed(bytes, map))
}

/// The line without its line end: `\n` or `\r\n`, nothing more (a stray `\r` stays, so
/// a recorded line that gained one is not sealed any more).
fn trim_end(bytes: &[u8]) -> &[u8] {
    bytes
        .strip_suffix(b"\r\n")
        .or_else(|| bytes.strip_suffix(b"\n"))
        .unwrap_or(bytes)
}

/// A recorded line must be its own canonical JSON; an authored line passes as it is.
fn sealed(bytes: &[u8], map: Map<String, Value>) -> Result<Map<String, Value>, Invalid> {
    if !map.contains_key("hash") {
        return Ok(map);
    }
    let expected = canonical(&map);
    if expected == bytes {
        return Ok(map);
    }
    let column = expected
        .iter()
        .zip(bytes)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(bytes.len()))
        + 1;
    Err(Invalid::new(format!(
        "this recorded line (it has \"hash\") is not byte for byte as parley wrote it \
         (it differs at column {column}): it was altered after it was recorded; \
         to record the event anew, remove its envelope and \"hash\""
    )))
}

/// A comment that holds a recorded event (`#{...}`, or a recorded line whose `{` became
/// `#`) is refused: dropping an event from a recorded journal must not go unnoticed.
fn commented_record(after_hash: &[u8]) -> Option<Invalid> {
    let text = after_hash.trim_ascii();
    if !text.ends_with(b"}") || !text.windows(7).any(|w| w == b"\"hash\":") {
        return None;
    }
    let candidate = if text.starts_with(b"{") {
        text.to_vec()
    } else {
        [b"{".as_slice(), text].concat()
    };
    match serde_json::from_slice::<Value>(&candidate) {
        Ok(Value::Object(map)) if map.contains_key("hash") => Some(Invalid::new(
            "this comment holds a recorded event: a recorded line cannot be commented out \
             (to withdraw an event, record a correction with \"action\": \"void\")",
        )),
        _ => None,
    }
}

/// Parses one line as a JSON object.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, Invalid> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Err(Invalid::new(format!(
                "the line is not valid UTF-8 (at byte {}); save the file as UTF-8",
                e.valid_up_to() + 1
            )));
        }
    };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(Invalid::new(
            "the line starts with a byte-order mark (U+FEFF); only the first line of a file may \
             have one: the file was probably pasted together from several",
        ));
    }
    // From the checked text: serde_json then need not check each string's UTF-8 again.
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Invalid::new(format!(
            "expected a JSON object {{\"kind\": ..., \"at\": ...}}, found {}",
            describe(&other)
        ))),
        Err(e) if json_reason(&e) == "number out of range" => Err(too_large(text, e.column())),
        Err(e) => Err(Invalid::new(format!(
            "not valid JSON: {} (column {})",
            json_reason(&e),
            e.column()
        ))),
    }
}

/// A number too large for any float, named by the key before it when there is one.
fn too_large(text: &str, column: usize) -> Invalid {
    let before = text.get(..column.saturating_sub(1)).unwrap_or(text);
    let key = before.rsplit_once(':').and_then(|(head, _)| {
        let head = head.trim_end().strip_suffix('"')?;
        head.rsplit_once('"').map(|(_, key)| key)
    });
    let message = format!(
        "the number at column {column} is far out of bounds: a number in the journal is finite \
         and at most 10^15 (1,000,000,000,000,000) either way"
    );
    match key {
        Some(key) => Invalid::field(key, message),
        None => Invalid::new(message),
    }
}

/// serde_json's message without its own " at line 1 column N" suffix.
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let reason = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    reason.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = Result<Map<String, Value>, Invalid>;

    fn lines(text: &[u8]) -> Vec<(usize, Parsed)> {
        Lines::new(text)
            .map(|l| l.map(|l| (l.number, l.content)).unwrap())
            .collect()
    }

    #[test]
    fn comments_blank_lines_bom_and_crlf_are_handled() {
        let got = lines(b"\xEF\xBB\xBF# title\r\n\r\n  {\"a\":1}\r\n{\"b\":2}");
        let numbers: Vec<usize> = got.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [3, 4]);
        assert!(got.iter().all(|(_, c)| c.is_ok()));
    }

    #[test]
    fn bad_json_names_the_column() {
        let got = lines(b"{\"a\":}\n");
        let err = got[0].1.as_ref().unwrap_err().to_string();
        assert!(
            err.starts_with("not valid JSON: expected value (column 6)"),
            "{err}"
        );
    }

    #[test]
    fn an_overlong_line_is_refused_and_the_next_one_read() {
        let mut text = vec![b'{'; MAX_LINE_BYTES + 10];
        text.extend_from_slice(b"\n{\"ok\":true}\n");
        let got = lines(&text);
        assert!(
            got[0]
                .1
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("at most")
        );
        assert_eq!(got[1].0, 2);
        assert!(got[1].1.is_ok());
    }

    #[test]
    fn a_number_no_float_holds_is_named_by_its_key_and_the_bound() {
        let got = lines(b"{\"kind\": \"offer\", \"position\" : 1e999}\n{\"a\": [1e999]}\n");
        let errors: Vec<String> = got
            .iter()
            .map(|(_, r)| r.as_ref().unwrap_err().to_string())
            .collect();
        assert_eq!(
            errors,
            [
                "position: the number at column 36 is far out of bounds: a number in the journal \
                 is finite and at most 10^15 (1,000,000,000,000,000) either way",
                "a: the number at column 12 is far out of bounds: a number in the journal is \
                 finite and at most 10^15 (1,000,000,000,000,000) either way",
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_named() {
        let got = lines(b"{\"a\":\"\xff\"}\n");
        assert!(got[0].1.as_ref().unwrap_err().to_string().contains("UTF-8"));
    }
}
