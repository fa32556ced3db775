/** The package version. A test keeps it equal to package.json. */
export const VERSION = '0.1.0';
/** How plain-client names itself to Plain, in the `user-agent` header (`plain-client/0.1.0`). */
export const USER_AGENT = `plain-client/${VERSION}`;
