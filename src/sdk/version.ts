/** The version every Hangar component reports; bumped with the package version. */
export const hangarVersion = '0.1.0';
/** Agent and provisioner protocol versions, reported in build info. */
export const agentApiVersion = '1.0';
export const provisionerApiVersion = '1.0';
