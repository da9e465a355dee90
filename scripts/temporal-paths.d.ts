export declare const projectRoot: string;
export declare const temporalBinDir: string;
export declare const binaryPaths: { cli: string; testServer: string };
