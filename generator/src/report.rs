//! What the pipeline did to a document: upgrades, fixes, renames, and what was emitted or
//! skipped (with reasons and counts). Printed by `cargo xtask generate --explain`.

use std::fmt;

/// The pipeline stage that produced a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Reading the document and the files its `$ref`s name.
    Load,
    /// Swagger 2.0 / OpenAPI 3.1 → 3.0 rewrites.
    Upgrade,
    /// Declared vendor fixes (overlays, named fixups).
    Fix,
    /// Automatic normalization (names, operationIds).
    Normalize,
    /// Lowering to the IR (hoisted types, skipped items).
    Lower,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Load => "load",
            Self::Upgrade => "upgrade",
            Self::Fix => "fix",
            Self::Normalize => "normalize",
            Self::Lower => "lower",
        })
    }
}

/// One thing the pipeline did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Which stage.
    pub stage: Stage,
    /// What happened, with the document location.
    pub message: String,
}

/// Something deliberately not emitted, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Document location of the skipped item.
    pub pointer: String,
    /// Why.
    pub reason: String,
}

/// The whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Notes in pipeline order.
    pub notes: Vec<Note>,
    /// Operations in the document as published, before fixes.
    pub operations_published: usize,
    /// Operations in the document after fixes (declared fixes may remove some).
    pub operations_total: usize,
    /// Operations the declared fixes added (`METHOD /path`): not in the published
    /// document.
    pub operations_added_by_fixes: std::collections::BTreeSet<String>,
    /// Operations emitted as client methods.
    pub operations_emitted: usize,
    /// Operations skipped.
    pub operations_skipped: Vec<Skipped>,
    /// Schemas in `components/schemas` after fixes.
    pub schemas_total: usize,
    /// Component schemas emitted as Rust types.
    pub schemas_emitted: usize,
    /// Component schemas skipped.
    pub schemas_skipped: Vec<Skipped>,
    /// Rust types emitted in all (component schemas plus hoisted inline schemas).
    pub types_emitted: usize,
}

impl Report {
    /// Records a note.
    pub fn note(&mut self, stage: Stage, message: impl Into<String>) {
        self.notes.push(Note {
            stage,
            message: message.into(),
        });
    }

    /// One-line summary with the counts.
    pub fn summary(&self) -> String {
        let removed = self
            .operations_published
            .saturating_sub(self.operations_total);
        let removed = if removed > 0 {
            format!(
                " ({removed} of {} removed by declared fixes)",
                self.operations_published
            )
        } else {
            String::new()
        };
        format!(
            "operations: {} emitted, {} skipped of {}{removed}; schemas: {} emitted, {} skipped \
             of {}; {} Rust types in all",
            self.operations_emitted,
            self.operations_skipped.len(),
            self.operations_total,
            self.schemas_emitted,
            self.schemas_skipped.len(),
            self.schemas_total,
            self.types_emitted
        )
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for note in &self.notes {
            writeln!(f, "[{}] {}", note.stage, note.message)?;
        }
        for s in &self.operations_skipped {
            writeln!(f, "[skip] operation {}: {}", s.pointer, s.reason)?;
        }
        for s in &self.schemas_skipped {
            writeln!(f, "[skip] schema {}: {}", s.pointer, s.reason)?;
        }
        writeln!(f, "{}", self.summary())
    }
}
