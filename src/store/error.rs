//! The store's own failures, whatever the backend: a message and, where the backend met
//! one, the I/O error behind it.
//!
//! A backend's error types stay inside its module: the rest of parley sees a
//! [`StoreError`] in [`crate::Error::Store`], and reads the I/O cause (a full disk, a
//! store it may not write) through [`std::error::Error::source`].

/// A failure of the log's backend (the embedded database, or another one).
#[derive(Debug)]
pub struct StoreError {
    message: String,
    io: Option<std::io::Error>,
}

impl StoreError {
    /// A failure with no I/O error behind it.
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
            io: None,
        }
    }

    /// A failure whose cause is `io`; `message` says what failed (it may quote `io`).
    pub fn io(message: impl Into<String>, io: std::io::Error) -> StoreError {
        StoreError {
            message: message.into(),
            io: Some(io),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.io.as_ref().map(|io| io as _)
    }
}

/// sled's errors, as the message sled gives them; its I/O error is kept as the cause
/// (sled's own error names no source).
impl From<sled::Error> for StoreError {
    fn from(error: sled::Error) -> StoreError {
        let message = error.to_string();
        match error {
            sled::Error::Io(io) => StoreError::io(message, io),
            _ => StoreError::new(message),
        }
    }
}

impl From<sled::Error> for crate::Error {
    fn from(error: sled::Error) -> crate::Error {
        crate::Error::Store(error.into())
    }
}
