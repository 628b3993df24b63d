//! Round-trip property test of every model type of the Palette, CloudCasa, Spheron and
//! CloudMC crates: random values valid against each type's schema (from the normalized
//! document, by `cloudgen::exercise::random`) decode, encode and decode again to an
//! equal value, and encode to the same JSON twice. Failures name the type, the schema,
//! the seed that reproduces them and the value.
//!
//! `ROUND_TRIP_SEEDS` sets how many values each type gets (default 24).

// The model tables are generated (and printed by the generator): rustfmt keeps off.
#[path = "../models/cloudcasa.rs"]
#[rustfmt::skip]
mod cloudcasa_models;
#[path = "../models/cloudmc.rs"]
#[rustfmt::skip]
mod cloudmc_models;
#[path = "../models/palette.rs"]
#[rustfmt::skip]
mod palette_models;
#[path = "../models/spheron.rs"]
#[rustfmt::skip]
mod spheron_models;

use cloudgen::exercise::random::RandomSampler;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `json` as `T`, encodes it, decodes that again: the two values must be equal,
/// and the second encoding the same as the first.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    json: &[u8],
) -> Result<(), String> {
    let first: T = serde_json::from_slice(json).map_err(|e| format!("does not decode: {e}"))?;
    let encoded = serde_json::to_vec(&first).map_err(|e| format!("does not encode: {e}"))?;
    let second: T = serde_json::from_slice(&encoded).map_err(|e| {
        format!(
            "its own encoding does not decode: {e}\n  encoded: {}",
            String::from_utf8_lossy(&encoded)
        )
    })?;
    if first != second {
        return Err(format!(
            "decodes differently after a round trip\n  first:  {first:?}\n  second: {second:?}"
        ));
    }
    let again = serde_json::to_vec(&second).map_err(|e| format!("does not encode: {e}"))?;
    if again != encoded {
        return Err(format!(
            "encodes differently the second time\n  first:  {}\n  second: {}",
            String::from_utf8_lossy(&encoded),
            String::from_utf8_lossy(&again)
        ));
    }
    Ok(())
}

/// A model table entry: (Rust type, JSON pointer of its schema, round trip).
type Model = (&'static str, &'static str, fn(&[u8]) -> Result<(), String>);

type Table = &'static [Model];

fn seeds() -> u64 {
    std::env::var("ROUND_TRIP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(24)
}

fn check_vendor(vendor: &str, models: Table) {
    let root = xtask::workspace_root();
    let inputs = xtask::codegen::read_vendor(&root, vendor)
        .unwrap_or_else(|e| panic!("{vendor}: cannot read the vendor's inputs: {e}"));
    let doc = inputs
        .normalized_document()
        .unwrap_or_else(|e| panic!("{vendor}: the document does not normalize: {e}"));
    let seeds = seeds();
    let mut failures = Vec::new();
    let mut values = 0;
    for (name, pointer, round_trip) in models {
        let Some(schema) = doc.pointer(pointer) else {
            failures.push(format!("{name}: no schema at {pointer}"));
            continue;
        };
        for seed in 0..seeds {
            let value = RandomSampler::new(&doc, seed).sample(schema);
            if value.is_null() {
                // A nullable schema: fields holding the type are `Option`s, the type
                // itself has no `null`.
                continue;
            }
            let json = serde_json::to_vec(&value).expect("a JSON value encodes");
            values += 1;
            if let Err(why) = round_trip(&json) {
                failures.push(format!(
                    "{name} ({pointer}), seed {seed}: {why}\n  value: {value}"
                ));
                break;
            }
        }
    }
    eprintln!(
        "{vendor}: {} model types, {values} random values round-tripped",
        models.len()
    );
    assert!(
        failures.is_empty(),
        "{vendor}: {} of {} model types fail the round trip:\n{}",
        failures.len(),
        models.len(),
        failures.join("\n")
    );
}

#[test]
fn palette_models_round_trip() {
    check_vendor("palette", palette_models::MODELS);
}

#[test]
fn cloudcasa_models_round_trip() {
    check_vendor("cloudcasa", cloudcasa_models::MODELS);
}

#[test]
fn spheron_models_round_trip() {
    check_vendor("spheron", spheron_models::MODELS);
}

#[test]
fn cloudmc_models_round_trip() {
    check_vendor("cloudmc", cloudmc_models::MODELS);
}
