// The Chromium build carries a fixed public key (manifest `key`), so every install has this ID.
// The proxy's CORS configuration allows exactly this origin. Derived from EXTENSION_PUBLIC_KEY:
// the first 32 hex digits of SHA-256 over the key, written with the letters a-p.
export const EXTENSION_ID = 'bihjmlfigjndkpdknjnhdochadhflggn';

export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;

/** RSA public key (DER, base64). Not a secret: it only pins the ID; there is no private key to keep. */
export const EXTENSION_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtUTUsOQwKYrAjdFOJfq3iNsbBUr2HWxeHqRKefeisf8ruMBhF07lsP3XYQrL0gskWlfLQoVk+D4aD+Nvf9q05qXB3WZ5onQQsp687TpWigiAuHjiLk/lppScr9DP+MM3CVy3bLtZaMKsrnkTWmr1Dlgu7xWNjm2wL3KfkifcmT5WFiwYau6jJaj8HaUAhr0HHIr/IOZO+GhtC5WPE8tb6y71xoMm4Xy2cJoZ3h+TIpeqllnmNm2yclShWWH7UirQsAJYIxkqRRiScC7aEXSH7J9oADlXGmL/RYt8YLImsammjYO27VXkAv5Qye+uvWBOCniU0nWqdsqwsGsAv9C3ewIDAQAB';

/** Firefox identifies the add-on by this ID (its moz-extension:// origin is random per profile). */
export const GECKO_ID = 'export-guard@export-guard.example';
