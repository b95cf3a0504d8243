//! Clients: versioned edits, archiving, and the search that picks an index range.

use async_trait::async_trait;
use jiff::Timestamp;
use needlepoint_store::{
    Client, ClientFields, ClientId, ClientQuery, ClientStore, NewAuditEntry, NewClient, StoreError,
    StoreResult,
};

use crate::engine::{Engine, Tx};
use crate::keys::{key, phone_key, prefix_end};
use crate::value::Value;
use crate::{SqlStore, args, rows};

/// The client columns every client query selects (never the search keys).
pub const CLIENT_COLUMNS: &str =
    "id, given_name, family_name, birth_date, email, phone, version, archived, created_at, updated_at";

/// A client's fields and search keys, as `$2…$10` of an insert or update.
fn field_args(fields: &ClientFields) -> [Value; 9] {
    args![
        &fields.given_name,
        &fields.family_name,
        fields.birth_date,
        fields.email.as_ref(),
        fields.phone.as_ref(),
        key(&fields.given_name),
        key(&fields.family_name),
        fields.email.as_deref().map(key),
        fields.phone.as_deref().map(phone_key),
    ]
}

/// Why a versioned update changed nothing: the client is at another version, or does not exist.
async fn stale_or_missing(tx: &mut Tx<'_>, id: &ClientId) -> StoreError {
    match tx
        .query_optional("SELECT version FROM clients WHERE id = $1", &args![id])
        .await
    {
        Ok(Some(mut row)) => match row.int("version") {
            Ok(current) => StoreError::Conflict { current },
            Err(error) => error,
        },
        Ok(None) => StoreError::NotFound,
        Err(error) => error,
    }
}

/// The statement (placeholders `$1`…) and its values for a client search: which index range the
/// text names (a date of birth, an email, a phone's ending, one or two name prefixes).
pub fn client_search(query: &ClientQuery) -> (String, Vec<Value>) {
    let text = key(&query.text);
    let limit = query.limit.clamp(1, 500);
    let archived = if query.include_archived {
        ""
    } else {
        " AND archived = 0"
    };
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    let (condition, binds): (&str, Vec<String>) = if text.is_empty() {
        ("1 = 1", vec![])
    } else if text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') {
        ("birth_date = $1", vec![text.clone()])
    } else if text.contains('@') {
        ("email_key = $1", vec![text.clone()])
    } else if digits.len() >= 4 && digits.len() * 2 >= text.chars().filter(|c| !c.is_whitespace()).count() {
        // Matches the number's ending, so "07700 900123" finds "+44 7700 900123": a leading
        // trunk zero is dropped.
        let ending = digits.chars().rev().collect::<String>();
        let ending = ending.trim_end_matches('0').to_string();
        let end = prefix_end(&ending);
        ("phone_key >= $1 AND phone_key < $2", vec![ending, end])
    } else if let (Some(first), Some(second), true) = (words.first(), words.last(), words.len() > 1) {
        // "ana silva", "silva ana" or "ana maria silva": the first and last words as prefixes of
        // the given and family names, either way round; index range scans.
        (
            "((given_key >= $1 AND given_key < $2 AND family_key >= $3 AND family_key < $4)
              OR (family_key >= $1 AND family_key < $2 AND given_key >= $3 AND given_key < $4))",
            vec![
                first.to_string(),
                prefix_end(first),
                second.to_string(),
                prefix_end(second),
            ],
        )
    } else {
        (
            "((family_key >= $1 AND family_key < $2) OR (given_key >= $1 AND given_key < $2))",
            vec![text.clone(), prefix_end(&text)],
        )
    };
    (
        format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE {condition}{archived} ORDER BY family_key, given_key, id LIMIT {limit}"
        ),
        binds.into_iter().map(Value::from).collect(),
    )
}

#[async_trait]
impl<E: Engine> ClientStore for SqlStore<E> {
    async fn create_client(&self, client: NewClient, audit: NewAuditEntry) -> StoreResult<Client> {
        let id = client.id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let mut values = Vec::from(args![&client.id]);
                values.extend(field_args(&client.fields));
                values.push(Value::from(client.created_at));
                tx.execute(
                    "INSERT INTO clients (id, given_name, family_name, birth_date, email, phone,
                                          given_key, family_key, email_key, phone_key, version, archived, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, 0, $11, $11)",
                    &values,
                )
                .await?;
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.client(&id).await?.ok_or(StoreError::NotFound)
    }

    async fn client(&self, id: &ClientId) -> StoreResult<Option<Client>> {
        self.one(
            &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1"),
            args![id],
            rows::client,
        )
        .await
    }

    async fn update_client(
        &self,
        id: &ClientId,
        expected_version: i64,
        fields: ClientFields,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<Client> {
        let target = id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let mut values = Vec::from(args![&target]);
                values.extend(field_args(&fields));
                values.extend(args![at, expected_version]);
                let changed = tx
                    .execute(
                        "UPDATE clients SET given_name = $2, family_name = $3, birth_date = $4, email = $5, phone = $6,
                                given_key = $7, family_key = $8, email_key = $9, phone_key = $10,
                                version = version + 1, updated_at = $11
                         WHERE id = $1 AND version = $12",
                        &values,
                    )
                    .await?;
                if changed == 0 {
                    return Err(stale_or_missing(tx, &target).await);
                }
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.client(id).await?.ok_or(StoreError::NotFound)
    }

    async fn archive_client(
        &self,
        id: &ClientId,
        expected_version: i64,
        at: Timestamp,
        audit: NewAuditEntry,
    ) -> StoreResult<Client> {
        let target = id.clone();
        self.engine
            .write(async move |tx: &mut Tx<'_>| {
                let changed = tx
                    .execute(
                        "UPDATE clients SET archived = 1, version = version + 1, updated_at = $3
                         WHERE id = $1 AND version = $2",
                        &args![&target, expected_version, at],
                    )
                    .await?;
                if changed == 0 {
                    return Err(stale_or_missing(tx, &target).await);
                }
                tx.audit(std::slice::from_ref(&audit)).await
            })
            .await?;
        self.client(id).await?.ok_or(StoreError::NotFound)
    }

    async fn search_clients(&self, query: &ClientQuery) -> StoreResult<Vec<Client>> {
        let (sql, values) = client_search(query);
        self.all(&sql, values, rows::client).await
    }

    async fn count_clients(&self) -> StoreResult<i64> {
        self.number("SELECT count(*) AS n FROM clients", vec![]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(text: &str) -> (String, Vec<Value>) {
        client_search(&ClientQuery {
            text: text.into(),
            include_archived: false,
            limit: 50,
        })
    }

    #[test]
    fn a_search_names_one_index_range() {
        assert!(search("1990-04-02").0.contains("birth_date = $1"));
        assert!(search("Ana@Example.com").0.contains("email_key = $1"));
        let (sql, values) = search("07700 900123");
        assert!(sql.contains("phone_key >= $1"));
        assert_eq!(values[0], Value::from("3210090077"));
        let (sql, values) = search("silva ana");
        assert!(sql.contains("given_key >= $1"));
        assert_eq!(values.len(), 4);
        assert!(search("").0.contains("1 = 1"));
    }
}
