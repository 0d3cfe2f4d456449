export declare const STAMP: string;
export declare function apiStamp(root: string): { sha256: string; unbuilt: string[] };
