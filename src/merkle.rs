//! The Merkle tree of RFC 6962 §2.1 (RFC 9162 §2.1): tree heads for any size, inclusion
//! proofs and consistency proofs, and their verification.
//!
//! A leaf hash is SHA-256(0x00 ‖ leaf) and a node hash SHA-256(0x01 ‖ left ‖ right); a tree
//! of `n > 1` leaves splits at the largest power of two below `n`. Generation follows the
//! recursive definitions of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1; verification the
//! iterative algorithms of §2.1.3.2 and §2.1.4.2, which need only the proof, the sizes and
//! the tree heads. The tests check both against the RFC 6962 test vectors.

use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, a node hash or a tree head.
pub type Hash = [u8; 32];

/// The hash of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// SHA-256(0x00 ‖ `leaf`).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// SHA-256(0x01 ‖ `left` ‖ `right`).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The largest power of two smaller than `n` (`n` at least 2): where a tree splits.
fn split(n: usize) -> usize {
    let k = n.next_power_of_two() / 2;
    if k == n { k / 2 } else { k }
}

/// A tree over leaf hashes, for heads and proofs at any size up to its own.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    leaves: Vec<Hash>,
}

impl Tree {
    /// The tree whose leaves hash to `leaves`, in order.
    pub fn new(leaves: Vec<Hash>) -> Tree {
        Tree { leaves }
    }

    /// The tree whose leaves are `leaves`, in order.
    pub fn from_leaves<L: AsRef<[u8]>>(leaves: &[L]) -> Tree {
        Tree::new(leaves.iter().map(|l| leaf_hash(l.as_ref())).collect())
    }

    /// The number of leaves.
    pub fn size(&self) -> usize {
        self.leaves.len()
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: usize) -> Option<Hash> {
        self.leaves.get(index).copied()
    }

    /// The head of the tree of the first `size` leaves; `None` past the tree's size.
    pub fn root(&self, size: usize) -> Option<Hash> {
        let leaves = self.leaves.get(..size)?;
        Some(if leaves.is_empty() {
            empty_root()
        } else {
            head(leaves)
        })
    }

    /// The inclusion proof of leaf `index` in the tree of the first `size` leaves.
    pub fn inclusion(&self, index: usize, size: usize) -> Option<Vec<Hash>> {
        let leaves = self.leaves.get(..size)?;
        (index < size).then(|| path(index, leaves))
    }

    /// The consistency proof from the tree of the first `old` leaves to that of the
    /// first `new`; empty when `old` is 0 or equals `new`.
    pub fn consistency(&self, old: usize, new: usize) -> Option<Vec<Hash>> {
        let leaves = self.leaves.get(..new)?;
        if old > new {
            return None;
        }
        if old == 0 {
            return Some(Vec::new());
        }
        Some(subproof(old, leaves, true))
    }
}

/// MTH(D[n]) for `n` at least 1.
fn head(leaves: &[Hash]) -> Hash {
    match leaves {
        [only] => *only,
        _ => {
            let (left, right) = leaves.split_at(split(leaves.len()));
            node_hash(&head(left), &head(right))
        }
    }
}

/// PATH(m, D[n]), RFC 9162 §2.1.3.1.
fn path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let k = split(leaves.len());
    let (left, right) = leaves.split_at(k);
    let (mut proof, sibling) = if m < k {
        (path(m, left), head(right))
    } else {
        (path(m - k, right), head(left))
    };
    proof.push(sibling);
    proof
}

/// SUBPROOF(m, D[n], b), RFC 9162 §2.1.4.1, for `m` from 1 to `n`.
fn subproof(m: usize, leaves: &[Hash], whole: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if whole {
            Vec::new()
        } else {
            vec![head(leaves)]
        };
    }
    let k = split(n);
    let (left, right) = leaves.split_at(k);
    let (mut proof, sibling) = if m <= k {
        (subproof(m, left, whole), head(right))
    } else {
        (subproof(m - k, right, false), head(left))
    };
    proof.push(sibling);
    proof
}

/// Whether `proof` shows the leaf hashing to `leaf` at `index` in the tree of `size`
/// leaves whose head is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// Whether `proof` shows the tree of `old` leaves with head `old_root` to be the first
/// `old` leaves of the tree of `new` leaves with head `new_root` (RFC 9162 §2.1.4.2).
/// A tree of 0 leaves is a prefix of every tree, with an empty proof; so is a tree of
/// itself.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old > new {
        return false;
    }
    if old == 0 {
        return proof.is_empty() && *old_root == empty_root();
    }
    if old == new {
        return proof.is_empty() && old_root == new_root;
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut f, mut s) = (old - 1, new - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *old_root && sr == *new_root && s == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leaves of the RFC 6962 test vectors (certificate-transparency's
    /// merkle_tree_test, transparency-dev/merkle's testonly data).
    const LEAVES: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];

    /// Their tree heads for sizes 0 to 8.
    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn hex(hash: &Hash) -> String {
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn hexes(hashes: &[Hash]) -> Vec<String> {
        hashes.iter().map(hex).collect()
    }

    fn reference() -> Tree {
        Tree::from_leaves(&LEAVES)
    }

    #[test]
    fn heads_match_the_rfc_6962_vectors() {
        let tree = reference();
        let heads: Vec<String> = (0..=8).map(|n| hex(&tree.root(n).unwrap())).collect();
        assert_eq!(heads, ROOTS);
        assert_eq!(tree.root(9), None);
    }

    #[test]
    fn inclusion_proofs_match_the_rfc_6962_vectors() {
        let tree = reference();
        assert_eq!(hexes(&tree.inclusion(0, 1).unwrap()), Vec::<String>::new());
        assert_eq!(
            hexes(&tree.inclusion(0, 8).unwrap()),
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        );
        assert_eq!(
            hexes(&tree.inclusion(5, 8).unwrap()),
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        );
        assert_eq!(tree.inclusion(8, 8), None);
    }

    #[test]
    fn consistency_proofs_match_the_rfc_6962_vectors() {
        let tree = reference();
        assert_eq!(
            hexes(&tree.consistency(1, 8).unwrap()),
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        );
        assert_eq!(
            hexes(&tree.consistency(2, 8).unwrap()),
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        );
        assert_eq!(
            hexes(&tree.consistency(6, 8).unwrap()),
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        );
        assert_eq!(
            hexes(&tree.consistency(2, 5).unwrap()),
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        );
        assert_eq!(tree.consistency(8, 9), None);
        assert_eq!(tree.consistency(5, 3), None);
    }

    /// The tree head computed the slow way: straight from the definition, on leaves.
    fn brute_head(leaves: &[Vec<u8>]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaf_hash(&leaves[0]),
            n => {
                let mut k = 1;
                while k * 2 < n {
                    k *= 2;
                }
                node_hash(&brute_head(&leaves[..k]), &brute_head(&leaves[k..]))
            }
        }
    }

    fn many(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("leaf {i}").into_bytes()).collect()
    }

    fn flipped(proof: &[Hash], which: usize) -> Vec<Hash> {
        let mut proof = proof.to_vec();
        proof[which][7] ^= 1;
        proof
    }

    #[test]
    fn every_inclusion_proof_up_to_64_verifies_and_a_changed_one_fails() {
        let leaves = many(64);
        let tree = Tree::from_leaves(&leaves);
        for size in 1..=64usize {
            let root = tree.root(size).unwrap();
            assert_eq!(root, brute_head(&leaves[..size]), "head of size {size}");
            for index in 0..size {
                let proof = tree.inclusion(index, size).unwrap();
                let leaf = tree.leaf(index).unwrap();
                let (i, n) = (index as u64, size as u64);
                assert!(
                    verify_inclusion(i, n, &leaf, &proof, &root),
                    "{index}/{size}"
                );
                let other = leaf_hash(b"changed");
                assert!(
                    !verify_inclusion(i, n, &other, &proof, &root),
                    "changed leaf"
                );
                assert!(!verify_inclusion(i + 1, n, &leaf, &proof, &root));
                if let Some(bigger) = tree.root(size + 1) {
                    assert!(
                        !verify_inclusion(i, n + 1, &leaf, &proof, &bigger),
                        "in a bigger tree"
                    );
                }
                for which in 0..proof.len() {
                    let bad = flipped(&proof, which);
                    assert!(
                        !verify_inclusion(i, n, &leaf, &bad, &root),
                        "flipped {which}"
                    );
                }
                let mut longer = proof.clone();
                longer.push([0xab; 32]);
                assert!(!verify_inclusion(i, n, &leaf, &longer, &root), "extended");
                if let Some((_, shorter)) = proof.split_last() {
                    assert!(!verify_inclusion(i, n, &leaf, shorter, &root), "truncated");
                }
            }
        }
    }

    #[test]
    fn every_consistency_proof_up_to_64_verifies_and_a_changed_one_fails() {
        let leaves = many(64);
        let tree = Tree::from_leaves(&leaves);
        for new in 0..=64usize {
            let new_root = tree.root(new).unwrap();
            for old in 0..=new {
                let old_root = tree.root(old).unwrap();
                let proof = tree.consistency(old, new).unwrap();
                let (m, n) = (old as u64, new as u64);
                assert!(
                    verify_consistency(m, n, &old_root, &new_root, &proof),
                    "{old} -> {new}"
                );
                if old == 0 {
                    continue;
                }
                // A copy whose first `old` leaves differ in the last one is no prefix.
                let mut forked = leaves[..new].to_vec();
                forked[old - 1] = b"forked".to_vec();
                let forked = Tree::from_leaves(&forked);
                let forked_proof = forked.consistency(old, new).unwrap();
                let forked_root = forked.root(new).unwrap();
                assert!(
                    !verify_consistency(m, n, &old_root, &forked_root, &forked_proof),
                    "forked {old} -> {new}"
                );
                for which in 0..proof.len() {
                    let bad = flipped(&proof, which);
                    assert!(
                        !verify_consistency(m, n, &old_root, &new_root, &bad),
                        "flipped {which} of {old} -> {new}"
                    );
                }
                let mut longer = proof.clone();
                longer.push([0xcd; 32]);
                assert!(!verify_consistency(m, n, &old_root, &new_root, &longer));
            }
        }
    }
}
