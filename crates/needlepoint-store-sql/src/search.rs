//! How a client search becomes SQL, once for both engines: which index range the text names (a
//! date of birth, an email, a phone's ending, one or two name prefixes) and the values to bind.

use needlepoint_store::ClientQuery;

use crate::{CLIENT_COLUMNS, key, prefix_end};

/// The statement (placeholders `$1`…) and its values, in order.
#[derive(Debug, PartialEq, Eq)]
pub struct SearchSql {
    pub sql: String,
    pub binds: Vec<String>,
}

pub fn client_search(query: &ClientQuery) -> SearchSql {
    let text = key(&query.text);
    let limit = query.limit.clamp(1, 500);
    let archived = if query.include_archived {
        ""
    } else {
        " AND archived = 0"
    };
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    let (condition, binds) = if text.is_empty() {
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
    SearchSql {
        sql: format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE {condition}{archived} ORDER BY family_key, given_key, id LIMIT {limit}"
        ),
        binds,
    }
}
