/** The package version, sent to Plain in the `Plain-SDK` header (`plain-client/0.1.0`). A test keeps it equal to package.json. */
export const VERSION = '0.1.0';
