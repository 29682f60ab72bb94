/**
 * Generated from openapi/mail-server.yaml by openapi-typescript (npm run gen). Do not edit.
 */

export interface paths {
    "/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * E-mails received, newest first
         * @description What arrived over SMTP, parsed: the envelope recipient, the headers
         *     and the bodies.
         */
        get: operations["listMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Message: {
            /** Format: uuid */
            id: string;
            /** @description The envelope recipient */
            to: string;
            /** @description The From header (the envelope sender when there is none) */
            from: string;
            subject: string;
            text: string;
            html?: string;
            /** @description The Message-ID header */
            messageId?: string;
            /** Format: date-time */
            receivedAt: string;
        };
        MessagePage: {
            items: components["schemas"]["Message"][];
            total: number;
            limit: number;
            offset: number;
        };
        FieldError: {
            /** @example query.limit */
            field: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
    };
    responses: never;
    parameters: {
        /** @description Items per page */
        Limit: number;
        /** @description Items to skip */
        Offset: number;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listMessages: {
        parameters: {
            query?: {
                /** @description Only mail to this envelope recipient (compared without regard to case) */
                to?: string;
                /** @description Items per page */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip */
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of received e-mails */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessagePage"];
                };
            };
            /** @description A query parameter is not valid; `errors` names it */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
