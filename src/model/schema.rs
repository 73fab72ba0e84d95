//! The event schema: every field an authored event carries, listed once with its JSON
//! name and the shape of its value, grouped by the kinds that read it.
//!
//! The strict reading (`parse.rs`) reads each field through its [`Field`] and checks
//! (in debug builds) that it reads it with the shape listed here; [`fields_of`] (what
//! an amend may name) is these lists; the two fast readings (`parse/fast.rs` for
//! authored lines, `stored.rs` for stored events) keep serde structs for speed, and
//! their tests check that those structs name exactly the move fields listed here. A
//! front end that builds a move (such as `log`) can take the fields and their JSON names
//! from [`Field::MOVE`].

use super::Kind;

/// What a field's value is, as the strict reading takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A text that is one word of a vocabulary or a name (`kind`, `by`, `at` …).
    Word,
    /// One line of text (no line breaks or control characters), at most
    /// [`super::MAX_SUMMARY_CHARS`] characters.
    Line,
    /// Free text, possibly over several lines, at most the same length.
    Text,
    /// A text or a list of texts (`to`, `issues` of a move, `tags` …).
    Words,
    /// A finite number.
    Number,
    /// An object of issue key to number.
    Numbers,
    /// A list of objects (`parties`, `issues` of an agenda event).
    Objects,
    /// An object (`changes`, `prefer`).
    Object,
}

/// Declares [`Field`] and its groups from one table.
macro_rules! schema {
    ($(
        $(#[$doc:meta])*
        $group:ident { $($variant:ident => $name:literal : $shape:ident),* $(,)? }
    )*) => {
        /// One field of an authored event (or of a party or issue inside an agenda event).
        /// Two fields may share a JSON name where kinds read it differently (`issues`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Field {
            $($(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*)*
        }

        impl Field {
            $(
                $(#[$doc])*
                pub const $group: &'static [Field] = &[$(Field::$variant),*];
            )*

            /// Its name in the JSON object.
            pub const fn name(self) -> &'static str {
                match self {
                    $($(Field::$variant => $name,)*)*
                }
            }

            /// The shape of its value.
            pub const fn shape(self) -> Shape {
                match self {
                    $($(Field::$variant => Shape::$shape,)*)*
                }
            }
        }
    };
}

schema! {
    /// The fields every event reads, whatever its kind (besides the envelope).
    EVENT {
        Kind => "kind": Word,
        At => "at": Word,
        Negotiation => "negotiation": Word,
        Summary => "summary": Line,
        Ref => "ref": Line,
        Source => "source": Text,
    }
    /// The fields a move reads besides [`Field::EVENT`], in the order the format lists them.
    MOVE {
        By => "by": Word,
        To => "to": Words,
        Issue => "issue": Word,
        Issues => "issues": Words,
        Position => "position": Number,
        Positions => "positions": Numbers,
        Terms => "terms": Text,
        Channel => "channel": Word,
        Level => "level": Word,
        Speaker => "speaker": Line,
        Reversibility => "reversibility": Word,
        RespondsTo => "responds_to": Line,
        ConditionalOn => "conditional_on": Words,
        Package => "package": Line,
        Tags => "tags": Words,
    }
    /// The fields an annotation reads besides [`Field::EVENT`].
    ANNOTATION {
        Note => "note": Text,
        Target => "target": Line,
        Label => "label": Line,
    }
    /// The fields an opening or agenda event reads besides [`Field::EVENT`].
    AGENDA {
        Title => "title": Line,
        Parties => "parties": Objects,
        AgendaIssues => "issues": Objects,
    }
    /// The fields a correction reads besides [`Field::EVENT`].
    CORRECTION {
        CorrectionTarget => "target": Line,
        Action => "action": Word,
        Changes => "changes": Object,
        Reason => "reason": Line,
    }
    /// The fields `parley push` adds to an event it brings from another store: when and
    /// by whom that store recorded it. No kind reads them and an amend may not name
    /// them; they are part of the event's content, covered by its hash.
    PUSHED {
        FirstRecordedAt => "first_recorded_at": Word,
        FirstRecordedBy => "first_recorded_by": Line,
    }
    /// The fields of a party in an agenda event's `parties`.
    PARTY {
        Code => "code": Word,
        Name => "name": Line,
        Role => "role": Word,
    }
    /// The fields of an issue in an agenda event's `issues`.
    ISSUE {
        Key => "key": Word,
        IssueTitle => "title": Line,
        Track => "track": Line,
        Unit => "unit": Line,
        Prefer => "prefer": Object,
    }
}

impl Field {
    /// The fields an event of `kind` reads besides [`Field::EVENT`].
    pub fn own(kind: Kind) -> &'static [Field] {
        match kind {
            Kind::Opening | Kind::Agenda => Field::AGENDA,
            Kind::Correction => Field::CORRECTION,
            Kind::Annotation => Field::ANNOTATION,
            _ => Field::MOVE,
        }
    }

    /// Every field an event of `kind` reads.
    pub fn of(kind: Kind) -> impl Iterator<Item = Field> {
        Field::EVENT.iter().chain(Field::own(kind)).copied()
    }
}

/// The JSON names of every field an event of `kind` reads; any other field on a line is
/// kept as it is but means nothing to parley.
pub fn fields_of(kind: Kind) -> impl Iterator<Item = &'static str> {
    Field::of(kind).map(Field::name)
}

/// The field names a serde struct declares (what `#[derive(Deserialize)]` passes to
/// `deserialize_struct`), so tests can hold the fast readers' structs to the schema.
#[cfg(test)]
pub(crate) fn serde_fields<'de, T: serde::Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::value::Error;
    use serde::de::{Error as _, Visitor};

    struct Introspect<'a>(&'a mut &'static [&'static str]);

    impl<'de> serde::Deserializer<'de> for Introspect<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Error> {
            *self.0 = fields;
            Err(Error::custom("fields taken"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Introspect(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_distinct_names() {
        for kind in Kind::ALL {
            let mut names: Vec<&str> = fields_of(*kind).collect();
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), count, "{kind:?} lists a name twice");
        }
    }

    #[test]
    fn a_move_reads_the_fields_the_format_lists_in_order() {
        assert_eq!(
            fields_of(Kind::Offer).collect::<Vec<_>>(),
            [
                "kind",
                "at",
                "negotiation",
                "summary",
                "ref",
                "source",
                "by",
                "to",
                "issue",
                "issues",
                "position",
                "positions",
                "terms",
                "channel",
                "level",
                "speaker",
                "reversibility",
                "responds_to",
                "conditional_on",
                "package",
                "tags"
            ]
        );
    }
}
