//! Seed vocabulary besides countries: departments and job titles, partner and personal mail
//! domains, device and security-key models, and the ASCII folding used for UPNs.

pub(crate) const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "Finance",
        &[
            "Accountant",
            "Financial Analyst",
            "Controller",
            "Payroll Specialist",
        ],
    ),
    (
        "Sales",
        &[
            "Account Executive",
            "Sales Manager",
            "Sales Representative",
            "Key Account Manager",
        ],
    ),
    (
        "Engineering",
        &[
            "Software Engineer",
            "Senior Software Engineer",
            "QA Engineer",
            "Engineering Manager",
            "Site Reliability Engineer",
        ],
    ),
    (
        "Marketing",
        &[
            "Marketing Specialist",
            "Content Strategist",
            "Brand Manager",
        ],
    ),
    (
        "Human Resources",
        &["HR Business Partner", "Recruiter", "HR Generalist"],
    ),
    (
        "Operations",
        &[
            "Field Technician",
            "Operations Manager",
            "Logistics Coordinator",
            "Service Engineer",
        ],
    ),
    (
        "Legal",
        &["Legal Counsel", "Paralegal", "Compliance Officer"],
    ),
    (
        "IT",
        &[
            "IT Support Specialist",
            "Systems Administrator",
            "Identity Engineer",
            "Service Desk Analyst",
        ],
    ),
];

pub(crate) const GUEST_DOMAINS: &[&str] = &[
    "fabrikam.com",
    "northwindtraders.com",
    "adatum.com",
    "tailspintoys.com",
    "wingtiptoys.com",
];

pub(crate) const PERSONAL_MAIL_DOMAINS: &[&str] = &[
    "outlook.com",
    "gmail.com",
    "gmx.de",
    "orange.fr",
    "yahoo.co.jp",
    "proton.me",
];

pub(crate) const AUTHENTICATOR_DEVICES: &[&str] = &[
    "iPhone 15",
    "iPhone 14 Pro",
    "iPhone 13",
    "Pixel 8",
    "Pixel 7a",
    "Galaxy S23",
    "Galaxy A54",
    "OnePlus 11",
    "Xperia 10 V",
];

/// (model, AAGUID, device-bound hardware key?)
pub(crate) const FIDO2_MODELS: &[(&str, &str, bool)] = &[
    (
        "YubiKey 5 NFC",
        "cb69481e-8ff7-4039-93ec-0a2729a154a8",
        true,
    ),
    ("YubiKey 5Ci", "c5ef55ff-ad9a-4b9f-b580-adebafe026d0", true),
    (
        "Microsoft Authenticator - iOS",
        "90a3ccdf-635c-4729-a248-9b709135078f",
        true,
    ),
    (
        "iCloud Keychain",
        "fbfc3007-154e-4ecc-8c0b-6e020557d7bd",
        false,
    ),
    (
        "Google Password Manager",
        "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4",
        false,
    ),
];

/// Folds a display name part to the ASCII used in a user principal name.
pub(crate) fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mapped: &str = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' | 'Á' | 'Å' | 'Ä' => "a",
            'ç' | 'ć' | 'Ç' => "c",
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'É' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'Í' => "i",
            'ł' | 'Ł' => "l",
            'ñ' | 'ń' | 'Ñ' => "n",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ö' | 'Ó' => "o",
            'ś' | 'Ś' => "s",
            'ß' => "ss",
            'ú' | 'ù' | 'û' | 'ü' | 'Ü' => "u",
            'ź' | 'ż' | 'Ż' => "z",
            ' ' | '\'' => "",
            '-' => "-",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => "",
        };
        out.push_str(mapped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::countries::COUNTRIES;

    #[test]
    fn names_fold_to_ascii() {
        assert_eq!(ascii_fold("Müller"), "muller");
        assert_eq!(ascii_fold("O'Brien"), "obrien");
        assert_eq!(ascii_fold("van den Berg"), "vandenberg");
        assert_eq!(ascii_fold("Łukasz"), "lukasz");
        assert_eq!(ascii_fold("Jean-Luc"), "jean-luc");
        assert_eq!(ascii_fold("Weiß"), "weiss");
    }

    #[test]
    fn every_name_folds_to_something() {
        for c in COUNTRIES {
            for n in c.first_names.iter().chain(c.last_names) {
                assert!(!ascii_fold(n).is_empty(), "{n}");
            }
        }
    }
}
