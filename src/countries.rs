//! ISO 3166-1 alpha-2 countries and ISO 4217 currencies, for validating and for select lists.

/// Every officially assigned ISO 3166-1 alpha-2 code with its common English
/// short name, sorted alphabetically by name (accents folded, so "Åland
/// Islands" sorts as "Aland Islands").
pub const COUNTRIES: &[(&str, &str)] = &[
    ("AF", "Afghanistan"),
    ("AX", "Åland Islands"),
    ("AL", "Albania"),
    ("DZ", "Algeria"),
    ("AS", "American Samoa"),
    ("AD", "Andorra"),
    ("AO", "Angola"),
    ("AI", "Anguilla"),
    ("AQ", "Antarctica"),
    ("AG", "Antigua and Barbuda"),
    ("AR", "Argentina"),
    ("AM", "Armenia"),
    ("AW", "Aruba"),
    ("AU", "Australia"),
    ("AT", "Austria"),
    ("AZ", "Azerbaijan"),
    ("BS", "Bahamas"),
    ("BH", "Bahrain"),
    ("BD", "Bangladesh"),
    ("BB", "Barbados"),
    ("BY", "Belarus"),
    ("BE", "Belgium"),
    ("BZ", "Belize"),
    ("BJ", "Benin"),
    ("BM", "Bermuda"),
    ("BT", "Bhutan"),
    ("BO", "Bolivia"),
    ("BA", "Bosnia and Herzegovina"),
    ("BW", "Botswana"),
    ("BV", "Bouvet Island"),
    ("BR", "Brazil"),
    ("IO", "British Indian Ocean Territory"),
    ("VG", "British Virgin Islands"),
    ("BN", "Brunei"),
    ("BG", "Bulgaria"),
    ("BF", "Burkina Faso"),
    ("BI", "Burundi"),
    ("KH", "Cambodia"),
    ("CM", "Cameroon"),
    ("CA", "Canada"),
    ("CV", "Cape Verde"),
    ("BQ", "Caribbean Netherlands"),
    ("KY", "Cayman Islands"),
    ("CF", "Central African Republic"),
    ("TD", "Chad"),
    ("CL", "Chile"),
    ("CN", "China"),
    ("CX", "Christmas Island"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CO", "Colombia"),
    ("KM", "Comoros"),
    ("CK", "Cook Islands"),
    ("CR", "Costa Rica"),
    ("CI", "Côte d'Ivoire"),
    ("HR", "Croatia"),
    ("CU", "Cuba"),
    ("CW", "Curaçao"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("CD", "Democratic Republic of the Congo"),
    ("DK", "Denmark"),
    ("DJ", "Djibouti"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("EC", "Ecuador"),
    ("EG", "Egypt"),
    ("SV", "El Salvador"),
    ("GQ", "Equatorial Guinea"),
    ("ER", "Eritrea"),
    ("EE", "Estonia"),
    ("SZ", "Eswatini"),
    ("ET", "Ethiopia"),
    ("FK", "Falkland Islands"),
    ("FO", "Faroe Islands"),
    ("FJ", "Fiji"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("GF", "French Guiana"),
    ("PF", "French Polynesia"),
    ("TF", "French Southern Territories"),
    ("GA", "Gabon"),
    ("GM", "Gambia"),
    ("GE", "Georgia"),
    ("DE", "Germany"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GR", "Greece"),
    ("GL", "Greenland"),
    ("GD", "Grenada"),
    ("GP", "Guadeloupe"),
    ("GU", "Guam"),
    ("GT", "Guatemala"),
    ("GG", "Guernsey"),
    ("GN", "Guinea"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HT", "Haiti"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HK", "Hong Kong"),
    ("HU", "Hungary"),
    ("IS", "Iceland"),
    ("IN", "India"),
    ("ID", "Indonesia"),
    ("IR", "Iran"),
    ("IQ", "Iraq"),
    ("IE", "Ireland"),
    ("IM", "Isle of Man"),
    ("IL", "Israel"),
    ("IT", "Italy"),
    ("JM", "Jamaica"),
    ("JP", "Japan"),
    ("JE", "Jersey"),
    ("JO", "Jordan"),
    ("KZ", "Kazakhstan"),
    ("KE", "Kenya"),
    ("KI", "Kiribati"),
    ("KW", "Kuwait"),
    ("KG", "Kyrgyzstan"),
    ("LA", "Laos"),
    ("LV", "Latvia"),
    ("LB", "Lebanon"),
    ("LS", "Lesotho"),
    ("LR", "Liberia"),
    ("LY", "Libya"),
    ("LI", "Liechtenstein"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("MO", "Macao"),
    ("MG", "Madagascar"),
    ("MW", "Malawi"),
    ("MY", "Malaysia"),
    ("MV", "Maldives"),
    ("ML", "Mali"),
    ("MT", "Malta"),
    ("MH", "Marshall Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MU", "Mauritius"),
    ("YT", "Mayotte"),
    ("MX", "Mexico"),
    ("FM", "Micronesia"),
    ("MD", "Moldova"),
    ("MC", "Monaco"),
    ("MN", "Mongolia"),
    ("ME", "Montenegro"),
    ("MS", "Montserrat"),
    ("MA", "Morocco"),
    ("MZ", "Mozambique"),
    ("MM", "Myanmar"),
    ("NA", "Namibia"),
    ("NR", "Nauru"),
    ("NP", "Nepal"),
    ("NL", "Netherlands"),
    ("NC", "New Caledonia"),
    ("NZ", "New Zealand"),
    ("NI", "Nicaragua"),
    ("NE", "Niger"),
    ("NG", "Nigeria"),
    ("NU", "Niue"),
    ("NF", "Norfolk Island"),
    ("KP", "North Korea"),
    ("MK", "North Macedonia"),
    ("MP", "Northern Mariana Islands"),
    ("NO", "Norway"),
    ("OM", "Oman"),
    ("PK", "Pakistan"),
    ("PW", "Palau"),
    ("PS", "Palestine"),
    ("PA", "Panama"),
    ("PG", "Papua New Guinea"),
    ("PY", "Paraguay"),
    ("PE", "Peru"),
    ("PH", "Philippines"),
    ("PN", "Pitcairn Islands"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("PR", "Puerto Rico"),
    ("QA", "Qatar"),
    ("CG", "Republic of the Congo"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("BL", "Saint Barthélemy"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("KN", "Saint Kitts and Nevis"),
    ("LC", "Saint Lucia"),
    ("MF", "Saint Martin"),
    ("PM", "Saint Pierre and Miquelon"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("WS", "Samoa"),
    ("SM", "San Marino"),
    ("ST", "São Tomé and Príncipe"),
    ("SA", "Saudi Arabia"),
    ("SN", "Senegal"),
    ("RS", "Serbia"),
    ("SC", "Seychelles"),
    ("SL", "Sierra Leone"),
    ("SG", "Singapore"),
    ("SX", "Sint Maarten"),
    ("SK", "Slovakia"),
    ("SI", "Slovenia"),
    ("SB", "Solomon Islands"),
    ("SO", "Somalia"),
    ("ZA", "South Africa"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("KR", "South Korea"),
    ("SS", "South Sudan"),
    ("ES", "Spain"),
    ("LK", "Sri Lanka"),
    ("SD", "Sudan"),
    ("SR", "Suriname"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SE", "Sweden"),
    ("CH", "Switzerland"),
    ("SY", "Syria"),
    ("TW", "Taiwan"),
    ("TJ", "Tajikistan"),
    ("TZ", "Tanzania"),
    ("TH", "Thailand"),
    ("TL", "Timor-Leste"),
    ("TG", "Togo"),
    ("TK", "Tokelau"),
    ("TO", "Tonga"),
    ("TT", "Trinidad and Tobago"),
    ("TN", "Tunisia"),
    ("TR", "Turkey"),
    ("TM", "Turkmenistan"),
    ("TC", "Turks and Caicos Islands"),
    ("TV", "Tuvalu"),
    ("VI", "U.S. Virgin Islands"),
    ("UG", "Uganda"),
    ("UA", "Ukraine"),
    ("AE", "United Arab Emirates"),
    ("GB", "United Kingdom"),
    ("US", "United States"),
    ("UM", "United States Minor Outlying Islands"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VU", "Vanuatu"),
    ("VA", "Vatican City"),
    ("VE", "Venezuela"),
    ("VN", "Vietnam"),
    ("WF", "Wallis and Futuna"),
    ("EH", "Western Sahara"),
    ("YE", "Yemen"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// Returns the English name for an uppercase ISO 3166-1 alpha-2 code.
///
/// The match is exact: lowercase or padded codes are not accepted.
pub fn country_name(code: &str) -> Option<&'static str> {
    let &[a, b] = code.as_bytes() else { return None };
    if !(a.is_ascii_uppercase() && b.is_ascii_uppercase()) {
        return None;
    }
    let at = BY_CODE[usize::from(a - b'A') * 26 + usize::from(b - b'A')];
    (at != u8::MAX).then(|| COUNTRIES[usize::from(at)].1)
}

/// The position in [`COUNTRIES`] of each two-letter code (`u8::MAX` for codes not assigned), by `(first letter,
/// second letter)`: partner tables name a country per row, and a scan of the list by name took a third of the CAM
/// home's own work.
static BY_CODE: std::sync::LazyLock<[u8; 26 * 26]> = std::sync::LazyLock::new(|| {
    let mut table = [u8::MAX; 26 * 26];
    for (i, (code, _)) in COUNTRIES.iter().enumerate() {
        let [a, b] = code.as_bytes() else { unreachable!("country codes are two letters") };
        table[usize::from(a - b'A') * 26 + usize::from(b - b'A')] = i as u8;
    }
    table
});

/// Whether `code` is an officially assigned, uppercase ISO 3166-1 alpha-2 code.
pub fn is_country(code: &str) -> bool {
    country_name(code).is_some()
}

/// The sales region of an uppercase ISO 3166-1 alpha-2 code: "NA" (the United States and Canada, US territories,
/// Bermuda, Saint Pierre and Miquelon), "LATAM" (Mexico, Central and South America, the Caribbean), "EMEA" (Europe
/// with Greenland, Russia and Turkey, the Middle East, Africa, the Caucasus and Central Asia's former Soviet states)
/// or "APAC" (the rest of Asia, Oceania, Antarctica and most sub-Antarctic islands).
///
/// None exactly when `code` is not in [`COUNTRIES`]; like [`country_name`], the match is exact and case-sensitive.
pub fn region_of(code: &str) -> Option<&'static str> {
    if !is_country(code) {
        return None;
    }
    match code {
        "US" | "CA" | "PR" | "GU" | "VI" | "AS" | "MP" | "UM" | "BM" | "PM" => Some("NA"),
        // Mexico and Central America.
        "MX" | "BZ" | "GT" | "SV" | "HN" | "NI" | "CR" | "PA"
        // South America and the South Atlantic.
        | "AR" | "BO" | "BR" | "CL" | "CO" | "EC" | "FK" | "GF" | "GY" | "PY" | "PE" | "SR" | "UY" | "VE" | "GS"
        // The Caribbean.
        | "AI" | "AG" | "AW" | "BS" | "BB" | "BQ" | "VG" | "KY" | "CU" | "CW" | "DM" | "DO" | "GD" | "GP" | "HT"
        | "JM" | "MQ" | "MS" | "BL" | "KN" | "LC" | "MF" | "VC" | "SX" | "TT" | "TC" => Some("LATAM"),
        // Europe, with Greenland and the Arctic dependencies.
        "AX" | "AL" | "AD" | "AT" | "BY" | "BE" | "BA" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FO" | "FI" | "FR"
        | "DE" | "GI" | "GR" | "GG" | "HU" | "IS" | "IE" | "IM" | "IT" | "JE" | "LV" | "LI" | "LT" | "LU" | "MT"
        | "MD" | "MC" | "ME" | "NL" | "MK" | "NO" | "PL" | "PT" | "RO" | "RU" | "SM" | "RS" | "SK" | "SI" | "ES"
        | "SJ" | "SE" | "CH" | "UA" | "GB" | "VA" | "GL"
        // The Caucasus, Turkey and Central Asia's former Soviet states.
        | "AM" | "AZ" | "GE" | "TR" | "KZ" | "KG" | "TJ" | "TM" | "UZ"
        // The Middle East.
        | "BH" | "IR" | "IQ" | "IL" | "JO" | "KW" | "LB" | "OM" | "PS" | "QA" | "SA" | "SY" | "AE" | "YE"
        // Africa and its islands.
        | "DZ" | "AO" | "BJ" | "BW" | "BF" | "BI" | "CM" | "CV" | "CF" | "TD" | "KM" | "CD" | "CG" | "CI" | "DJ"
        | "EG" | "GQ" | "ER" | "SZ" | "ET" | "GA" | "GM" | "GH" | "GN" | "GW" | "KE" | "LS" | "LR" | "LY" | "MG"
        | "MW" | "ML" | "MR" | "MU" | "YT" | "MA" | "MZ" | "NA" | "NE" | "NG" | "RE" | "RW" | "SH" | "ST" | "SN"
        | "SC" | "SL" | "SO" | "ZA" | "SS" | "SD" | "TZ" | "TG" | "TN" | "UG" | "EH" | "ZM" | "ZW" => Some("EMEA"),
        // South, East and South-East Asia.
        "AF" | "BD" | "BT" | "BN" | "KH" | "CN" | "HK" | "IN" | "ID" | "JP" | "KP" | "KR" | "LA" | "MO" | "MY" | "MV"
        | "MN" | "MM" | "NP" | "PK" | "PH" | "SG" | "LK" | "TW" | "TH" | "TL" | "VN"
        // The Indian Ocean territories.
        | "IO" | "CX" | "CC"
        // Oceania.
        | "AU" | "NZ" | "CK" | "FJ" | "PF" | "KI" | "MH" | "FM" | "NR" | "NC" | "NU" | "NF" | "PW" | "PG" | "PN"
        | "WS" | "SB" | "TK" | "TO" | "TV" | "VU" | "WF"
        // Antarctica and the sub-Antarctic islands.
        | "AQ" | "BV" | "HM" | "TF" => Some("APAC"),
        _ => None,
    }
}

/// Active ISO 4217 currency codes in common business use, with English names,
/// sorted by code.
pub const CURRENCIES: &[(&str, &str)] = &[
    ("AED", "UAE Dirham"),
    ("ARS", "Argentine Peso"),
    ("AUD", "Australian Dollar"),
    ("BDT", "Bangladeshi Taka"),
    ("BGN", "Bulgarian Lev"),
    ("BHD", "Bahraini Dinar"),
    ("BRL", "Brazilian Real"),
    ("CAD", "Canadian Dollar"),
    ("CHF", "Swiss Franc"),
    ("CLP", "Chilean Peso"),
    ("CNY", "Chinese Yuan Renminbi"),
    ("COP", "Colombian Peso"),
    ("CRC", "Costa Rican Colon"),
    ("CZK", "Czech Koruna"),
    ("DKK", "Danish Krone"),
    ("DOP", "Dominican Peso"),
    ("EGP", "Egyptian Pound"),
    ("EUR", "Euro"),
    ("GBP", "Pound Sterling"),
    ("GHS", "Ghanaian Cedi"),
    ("HKD", "Hong Kong Dollar"),
    ("HUF", "Hungarian Forint"),
    ("IDR", "Indonesian Rupiah"),
    ("ILS", "Israeli New Shekel"),
    ("INR", "Indian Rupee"),
    ("ISK", "Icelandic Krona"),
    ("JOD", "Jordanian Dinar"),
    ("JPY", "Japanese Yen"),
    ("KES", "Kenyan Shilling"),
    ("KRW", "South Korean Won"),
    ("KWD", "Kuwaiti Dinar"),
    ("LKR", "Sri Lankan Rupee"),
    ("MAD", "Moroccan Dirham"),
    ("MXN", "Mexican Peso"),
    ("MYR", "Malaysian Ringgit"),
    ("NGN", "Nigerian Naira"),
    ("NOK", "Norwegian Krone"),
    ("NZD", "New Zealand Dollar"),
    ("OMR", "Omani Rial"),
    ("PEN", "Peruvian Sol"),
    ("PHP", "Philippine Peso"),
    ("PKR", "Pakistani Rupee"),
    ("PLN", "Polish Zloty"),
    ("QAR", "Qatari Riyal"),
    ("RON", "Romanian Leu"),
    ("RSD", "Serbian Dinar"),
    ("SAR", "Saudi Riyal"),
    ("SEK", "Swedish Krona"),
    ("SGD", "Singapore Dollar"),
    ("THB", "Thai Baht"),
    ("TRY", "Turkish Lira"),
    ("TWD", "New Taiwan Dollar"),
    ("TZS", "Tanzanian Shilling"),
    ("UAH", "Ukrainian Hryvnia"),
    ("UGX", "Ugandan Shilling"),
    ("USD", "US Dollar"),
    ("UYU", "Uruguayan Peso"),
    ("VND", "Vietnamese Dong"),
    ("XAF", "Central African CFA Franc"),
    ("XOF", "West African CFA Franc"),
    ("ZAR", "South African Rand"),
];

/// Whether `code` is one of the uppercase ISO 4217 codes in [`CURRENCIES`].
pub fn is_currency(code: &str) -> bool {
    CURRENCIES.iter().any(|(c, _)| *c == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Lowercases a name and folds the accented letters used in the list to
    /// plain ASCII, giving the key the list is sorted by.
    fn sort_key(name: &str) -> String {
        name.chars()
            .map(|ch| match ch {
                'Å' | 'å' | 'ã' | 'á' => 'a',
                'ç' => 'c',
                'é' | 'è' => 'e',
                'í' => 'i',
                'ô' | 'ó' => 'o',
                'ü' => 'u',
                other => other.to_ascii_lowercase(),
            })
            .collect()
    }

    fn is_upper_code(code: &str, len: usize) -> bool {
        code.len() == len && code.bytes().all(|b| b.is_ascii_uppercase())
    }

    #[test]
    fn every_code_finds_its_own_name_and_nothing_else_finds_one() {
        for (code, name) in COUNTRIES {
            assert_eq!(country_name(code), Some(*name));
        }
        let listed: HashSet<&str> = COUNTRIES.iter().map(|(c, _)| *c).collect();
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).unwrap();
                assert_eq!(country_name(&code).is_some(), listed.contains(code.as_str()), "{code}");
            }
        }
        for code in ["", "G", "gb", "Gb", "GBR", " GB", "G\u{e9}", "\u{e9}"] {
            assert_eq!(country_name(code), None, "{code:?}");
        }
    }

    #[test]
    fn every_assigned_country_is_listed_once() {
        assert_eq!(COUNTRIES.len(), 249);
        let codes: HashSet<&str> = COUNTRIES.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes.len(), COUNTRIES.len());
        let names: HashSet<&str> = COUNTRIES.iter().map(|(_, n)| *n).collect();
        assert_eq!(names.len(), COUNTRIES.len());
    }

    #[test]
    fn country_codes_are_two_uppercase_ascii_letters() {
        for (code, _) in COUNTRIES {
            assert!(is_upper_code(code, 2), "bad country code {code:?}");
        }
    }

    #[test]
    fn countries_are_sorted_by_name() {
        for pair in COUNTRIES.windows(2) {
            let (a, b) = (pair[0].1, pair[1].1);
            assert!(sort_key(a) < sort_key(b), "{a:?} should sort before {b:?}");
        }
    }

    #[test]
    fn country_lookup_requires_an_exact_uppercase_code() {
        assert_eq!(country_name("DE"), Some("Germany"));
        assert_eq!(country_name("AX"), Some("Åland Islands"));
        assert!(is_country("US"));
        assert_eq!(country_name("XX"), None);
        assert_eq!(country_name("de"), None);
        assert_eq!(country_name(""), None);
        assert!(!is_country("XX"));
        assert!(!is_country("de"));
    }

    #[test]
    fn every_listed_country_has_a_sales_region() {
        for (code, name) in COUNTRIES {
            let region = region_of(code);
            assert!(region.is_some(), "{code} ({name}) has no region");
            assert!(matches!(region, Some("NA" | "LATAM" | "EMEA" | "APAC")), "{code} has region {region:?}");
        }
    }

    #[test]
    fn countries_fall_in_their_expected_sales_regions() {
        for (code, region) in [
            ("US", "NA"),
            ("CA", "NA"),
            ("PR", "NA"),
            ("BM", "NA"),
            ("BR", "LATAM"),
            ("MX", "LATAM"),
            ("JM", "LATAM"),
            ("DE", "EMEA"),
            ("GB", "EMEA"),
            ("ZA", "EMEA"),
            ("AE", "EMEA"),
            ("IL", "EMEA"),
            ("RU", "EMEA"),
            ("TR", "EMEA"),
            ("KZ", "EMEA"),
            ("JP", "APAC"),
            ("AU", "APAC"),
            ("IN", "APAC"),
            ("SG", "APAC"),
            ("AQ", "APAC"),
        ] {
            assert_eq!(region_of(code), Some(region), "{code}");
        }
    }

    #[test]
    fn codes_outside_the_country_list_have_no_region() {
        assert_eq!(region_of("XX"), None);
        assert_eq!(region_of("us"), None);
        assert_eq!(region_of(""), None);
        assert_eq!(region_of("USA"), None);
    }

    #[test]
    fn currency_codes_are_unique_three_uppercase_letters() {
        let codes: HashSet<&str> = CURRENCIES.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes.len(), CURRENCIES.len());
        for (code, _) in CURRENCIES {
            assert!(is_upper_code(code, 3), "bad currency code {code:?}");
        }
    }

    #[test]
    fn currencies_are_sorted_by_code() {
        for pair in CURRENCIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} should sort before {}", pair[0].0, pair[1].0);
        }
    }

    #[test]
    fn common_business_currencies_are_recognised() {
        for code in [
            "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD", "INR", "KRW", "SEK", "NOK",
            "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "TRY", "ZAR", "BRL", "MXN", "ARS", "CLP", "COP", "PEN", "AED",
            "SAR", "ILS", "EGP", "NGN", "KES", "THB", "MYR", "IDR", "PHP", "VND", "TWD",
        ] {
            assert!(is_currency(code), "missing currency {code}");
        }
        assert!(is_currency("EUR"));
        assert!(!is_currency("eur"));
        assert!(!is_currency("XXX"));
    }
}
