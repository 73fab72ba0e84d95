//! Gives the build a fingerprint of its sources, `PARLEY_SOURCE_DIGEST`, so that caches
//! of finished output (`projection::memo`) written by one build are never served by
//! another whose code might print something else.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut files = Vec::new();
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
    println!("cargo:rustc-env=PARLEY_SOURCE_DIGEST={hash:016x}");
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
