//! One sealed tree: values are JSON sealed under the data key, keys are
//! HMAC-derived from the record's identifier. Every write the caller relies
//! on is flushed to disk before it returns.

use super::error::StoreError;
use super::seal::Sealer;
use crate::changes::{ChangeArea, Changes};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;

/// A sled tree whose records are sealed. Every write is reported to the
/// store's change feed under the tree's area.
#[derive(Clone)]
pub(crate) struct SealedTree {
    pub(crate) name: &'static str,
    pub(crate) tree: sled::Tree,
    area: Option<ChangeArea>,
    changes: Arc<Changes>,
}

impl SealedTree {
    pub(crate) fn open(db: &sled::Db, name: &'static str, changes: &Arc<Changes>) -> Result<Self, StoreError> {
        Ok(Self {
            name,
            tree: db.open_tree(name)?,
            area: Changes::area_of_tree(name),
            changes: changes.clone(),
        })
    }

    fn changed(&self) {
        if let Some(area) = self.area {
            self.changes.touch(area);
        }
    }

    /// The tree key for an identifier.
    pub(crate) fn key(&self, sealer: &Sealer, id: &[&[u8]]) -> [u8; super::seal::INDEX_LEN] {
        sealer.index(self.name, id)
    }

    fn encode<T: Serialize>(&self, value: &T) -> Result<Vec<u8>, StoreError> {
        serde_json::to_vec(value).map_err(|e| StoreError::InvalidValue {
            reason: format!("can't encode a `{}` record: {e}", self.name),
        })
    }

    fn seal_plain(&self, sealer: &Sealer, key: &[u8], plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        sealer.seal(self.name, key, plain)
    }

    fn open_plain(&self, sealer: &Sealer, key: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        sealer.open(self.name, key, sealed)
    }

    fn decode<T: DeserializeOwned>(&self, plain: &[u8]) -> Result<T, StoreError> {
        serde_json::from_slice(plain).map_err(|e| StoreError::corrupt(self.name, format!("does not decode: {e}")))
    }

    /// Writes `value` for identifier `id` and flushes.
    pub(crate) fn put<T: Serialize>(
        &self,
        db: &sled::Db,
        sealer: &Sealer,
        id: &[&[u8]],
        value: &T,
    ) -> Result<(), StoreError> {
        self.put_plain(db, sealer, id, &self.encode(value)?)
    }

    /// The non-generic part of [`SealedTree::put`]: one copy serves every
    /// record type (the library's size is budgeted).
    fn put_plain(&self, db: &sled::Db, sealer: &Sealer, id: &[&[u8]], plain: &[u8]) -> Result<(), StoreError> {
        let key = self.key(sealer, id);
        let sealed = self.seal_plain(sealer, &key, plain)?;
        self.tree.insert(key, sealed)?;
        crash_point!(&["store.", self.name, ".put.before_flush"].concat());
        db.flush()?;
        crash_point!(&["store.", self.name, ".put.after_flush"].concat());
        self.changed();
        Ok(())
    }

    /// Reads the record for identifier `id`.
    pub(crate) fn get<T: DeserializeOwned>(&self, sealer: &Sealer, id: &[&[u8]]) -> Result<Option<T>, StoreError> {
        self.get_plain(sealer, id)?.map(|plain| self.decode(&plain)).transpose()
    }

    fn get_plain(&self, sealer: &Sealer, id: &[&[u8]]) -> Result<Option<Vec<u8>>, StoreError> {
        let key = self.key(sealer, id);
        match self.tree.get(key)? {
            Some(sealed) => self.open_plain(sealer, &key, &sealed).map(Some),
            None => Ok(None),
        }
    }

    /// Removes the record for identifier `id` and flushes; whether it existed.
    pub(crate) fn remove(&self, db: &sled::Db, sealer: &Sealer, id: &[&[u8]]) -> Result<bool, StoreError> {
        let existed = self.tree.remove(self.key(sealer, id))?.is_some();
        if existed {
            db.flush()?;
            crash_point!(&["store.", self.name, ".remove.after_flush"].concat());
            self.changed();
        }
        Ok(existed)
    }

    /// Every record's plaintext, or why it can't be opened.
    fn all_plain(&self, sealer: &Sealer) -> Result<Vec<Result<Vec<u8>, StoreError>>, StoreError> {
        let mut out = Vec::new();
        for item in self.tree.iter() {
            let (key, sealed) = item?;
            out.push(self.open_plain(sealer, &key, &sealed));
        }
        Ok(out)
    }

    /// Every readable record. A record that can't be read is skipped and
    /// left on disk untouched; [`SealedTree::unreadable`] reports it.
    pub(crate) fn list<T: DeserializeOwned>(&self, sealer: &Sealer) -> Result<Vec<T>, StoreError> {
        Ok(self
            .all_plain(sealer)?
            .into_iter()
            .filter_map(|plain| self.decode(&plain.ok()?).ok())
            .collect())
    }

    /// The errors of records that can't be read as `T`.
    pub(crate) fn unreadable<T: DeserializeOwned>(&self, sealer: &Sealer) -> Result<Vec<StoreError>, StoreError> {
        Ok(self
            .all_plain(sealer)?
            .into_iter()
            .filter_map(|plain| plain.and_then(|p| self.decode::<T>(&p)).err())
            .collect())
    }
}
