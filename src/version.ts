/** The package version, sent to Plain in the `Plain-SDK-Version` header. A test keeps it equal to package.json. */
export const VERSION = '0.1.0';
