//! Gives the build a fingerprint, `PARLEY_BUILD_DIGEST`, of what decides what it prints:
//! its sources and the locked versions of its dependencies (a new serde_json or chrono
//! may write numbers or dates differently). Caches of finished output
//! (`views::memo`) written by one build are then never served by another.

use std::path::{Path, PathBuf};

fn main() {
    for watched in ["src", "Cargo.lock", "Cargo.toml", "build.rs"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let mut files = vec![PathBuf::from("Cargo.lock"), PathBuf::from("Cargo.toml")];
    collect(Path::new("src"), &mut files);
    files.sort();
    // FNV-1a over each path and its contents: a fingerprint, not a defence.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in &files {
        let contents = std::fs::read(file).unwrap_or_default();
        let path = file.to_string_lossy();
        for byte in path.as_bytes().iter().chain(&[0]).chain(&contents) {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=PARLEY_BUILD_DIGEST={hash:016x}");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
