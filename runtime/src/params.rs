//! Parameter values that OpenAPI serializes as one string: arrays joined by a delimiter
//! (`style: form, explode: false` → `a,b`; `spaceDelimited` → `a b`; `pipeDelimited` →
//! `a|b`; `simple` in paths and headers → `a,b`). Percent-encoding happens later, where
//! the value is placed (a path segment or the query string).

use std::fmt::{self, Display};

/// Displays `values` joined by `delimiter`.
#[derive(Debug, Clone, Copy)]
pub struct Delimited<'a, T>(pub &'a [T], pub &'static str);

impl<T: Display> Display for Delimited<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            value.fmt(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_with_the_delimiter() {
        assert_eq!(Delimited(&["dev", "test"], ",").to_string(), "dev,test");
        assert_eq!(Delimited(&[1, 2, 3], "|").to_string(), "1|2|3");
        assert_eq!(Delimited::<u8>(&[], ",").to_string(), "");
    }
}
