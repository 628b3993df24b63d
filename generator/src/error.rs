//! The generator's error and diagnostic types: everything that goes wrong names the
//! document (or settings/overlay file) and a JSON pointer to the spot.

use std::fmt;

/// A place in an input file: the file as the user named it, and a JSON pointer
/// (RFC 6901) into its parsed content. An empty pointer means the whole file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file, as given by the user (a path or a URL).
    pub file: String,
    /// JSON pointer into the file's content, `""` for the whole file.
    pub pointer: String,
}

impl Location {
    /// A location in `file` at `pointer`.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}#{}", self.file, self.pointer)
        }
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    push_token(&mut out, token);
    out
}

/// Appends one reference token to a JSON pointer in place (as [`pointer_push`]): walks
/// over a whole document extend and truncate one buffer instead of allocating a pointer
/// per node.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if !token.contains(['~', '/']) {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Why generation failed. Every variant says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid JSON/YAML/TOML, or does not have the expected shape.
    #[error("{location}: cannot parse: {message}")]
    Parse {
        /// Where (the pointer is the deepest known position).
        location: Location,
        /// What the parser said.
        message: String,
    },
    /// The document uses something the generator does not support, or is inconsistent.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong and, where possible, what to do.
        message: String,
    },
    /// The vendor settings are wrong.
    #[error("{location}: invalid settings: {message}")]
    Settings {
        /// Where in the settings file.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A declared fix did not apply (its target is gone or changed).
    #[error("{location}: fix `{fix}` did not apply: {message}")]
    FixNotApplied {
        /// The fix's name.
        fix: String,
        /// Where the fix is declared.
        location: Location,
        /// Why.
        message: String,
    },
}

impl Error {
    /// An [`Error::Invalid`] at `file#pointer`.
    pub fn invalid(file: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            location: Location::new(file, pointer),
            message: message.into(),
        }
    }
}

/// Result alias for the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;
