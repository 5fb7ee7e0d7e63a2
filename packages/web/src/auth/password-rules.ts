/** The server's minimum length (it also refuses common passwords); checked here first so people hear it sooner. */
export const minPasswordLength = 12;
