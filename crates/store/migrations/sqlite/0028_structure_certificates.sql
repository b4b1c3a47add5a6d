-- A structure's software may prove itself with a TLS client certificate (issue 12, item 5)
-- where `mds` terminates TLS: support registers the certificate on one of the structure's
-- credentials as a key of algorithm `x509` whose thumbprint is the certificate's SHA-256
-- (RFC 8705 `x5t#S256`). A certificate names one credential, for ever (a revoked one stays
-- refused: the software gets a new certificate), and each connection finds it by thumbprint.
CREATE UNIQUE INDEX structure_keys_certificate ON structure_keys (thumbprint) WHERE alg = 'x509';
