//! Any bytes through the journal line reader and the event decoders: every outcome is a
//! value or an `Invalid`, never a panic, however broken the line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use parley::journal::Lines;
use parley::model::{Event, Recorded};

fuzz_target!(|data: &[u8]| {
    for line in Lines::new(data) {
        let Ok(line) = line else { return };
        if let Ok(map) = line.content {
            let _ = Event::from_map(&map);
            let _ = Recorded::from_map(map);
        }
    }
});
