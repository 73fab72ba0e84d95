//! The one error type of the model: what is wrong with an event, and in which field.
//!
//! The model knows nothing about files or flags; callers add the place (a file and line,
//! a command-line flag) when they turn an [`Invalid`] into a user-facing error.

use std::fmt;

/// Why an event (or a name, or a value) is not acceptable, in words a record-keeper can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    field: Option<String>,
    message: String,
}

impl Invalid {
    /// A problem not tied to one field.
    pub fn new(message: impl Into<String>) -> Invalid {
        Invalid {
            field: None,
            message: message.into(),
        }
    }

    /// A problem with one field.
    pub fn field(field: &str, message: impl Into<String>) -> Invalid {
        Invalid {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// Attaches the field, unless the error already names a more precise one.
    pub fn in_field(mut self, field: &str) -> Invalid {
        if self.field.is_none() {
            self.field = Some(field.to_owned());
        }
        self
    }

    /// The field at fault, if any.
    pub fn field_name(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong, without the field's name.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Invalid {}
