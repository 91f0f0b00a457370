//! The code generation pipeline, as `build.rs` runs it: the vendored spec is read and
//! normalized (`normalize/`), read into the model of what to emit (`model.rs`, with what values
//! are in `kinds.rs` and which operations are lists in `lists.rs`), and emitted as this crate's
//! call surface (`emit/`). The model types come from progenitor (`types.rs`, which only the
//! build script compiles: it alone needs the generator).
//!
//! The generator and the runtime share one vocabulary: the runtime's own `vocabulary.rs` (where
//! a parameter travels, how it is spelled, what its values are) and `path_template.rs` (the one
//! parser of a path), compiled in here from `src/`, so the table is written in the words the
//! runtime reads and every path of the spec is parsed, at build time, by the parser that reads
//! it at run time.
//!
//! Compiled into `build.rs` and into `xtask` (whose tests run the passes' and the emitter's unit
//! tests); each includes this file once.

pub mod emit;
pub mod kinds;
pub mod lists;
pub mod model;
pub mod normalize;
pub mod timings;

#[path = "../src/path_template.rs"]
pub mod path_template;
#[path = "../src/vocabulary.rs"]
pub mod vocabulary;
