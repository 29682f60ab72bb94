/**
 * Generated from openapi/inventory.yaml as the gateway routes it by openapi-typescript (npm run gen:web). Do not edit.
 */

export interface paths {
    "/stock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stock levels, optionally for a list of SKUs */
        get: operations["listStock"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stock/{sku}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        /** One SKU's stock level */
        get: operations["getStock"];
        /** Set the units on hand (creates the SKU's stock record) */
        put: operations["setStock"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stock/{sku}/adjustments": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add or remove units on hand (deliveries, shrinkage, counts) */
        post: operations["adjustStock"];
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
        /** @example TSHIRT-BLUE-M */
        Sku: string;
        StockLevel: {
            sku: components["schemas"]["Sku"];
            /** @description Units in the warehouse */
            onHand: number;
            /** @description Units held by active reservations */
            reserved: number;
            /** @description onHand minus reserved */
            available: number;
            /** Format: date-time */
            updatedAt: string;
        };
        StockLevelPage: {
            items: components["schemas"]["StockLevel"][];
            total: number;
            limit: number;
            offset: number;
        };
        SetStockRequest: {
            onHand: number;
        };
        StockAdjustmentRequest: {
            /** @description Units to add (positive) or remove (negative) */
            delta: number;
            reason: string;
        };
        ReservationLine: {
            sku: components["schemas"]["Sku"];
            quantity: number;
        };
        ExtendReservationRequest: {
            /** @description Seconds from now until the reservation expires */
            ttlSeconds: number;
        };
        ReserveRequest: {
            /** @description One line per SKU; a SKU may appear once. */
            lines: components["schemas"]["ReservationLine"][];
            /**
             * @description Seconds until an uncommitted reservation is released automatically
             * @default 1800
             */
            ttlSeconds?: number;
        };
        /** @enum {string} */
        ReservationStatus: "active" | "committed" | "released";
        Reservation: {
            id: string;
            status: components["schemas"]["ReservationStatus"];
            lines: components["schemas"]["ReservationLine"][];
            /** Format: date-time */
            expiresAt: string;
            /** @enum {string} */
            releaseReason?: "requested" | "expired" | "never-reserved";
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        FieldError: {
            /** @example body.lines[0].quantity */
            field: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @example out-of-stock */
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
    responses: {
        /** @description No access token, or an invalid or expired one */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller's roles do not allow this */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request is malformed or a field is invalid; `errors` names each field. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such resource */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request conflicts with the current state. `type` says how:
         *     `out-of-stock` (with `shortages`), `reservation-released`,
         *     `reservation-committed`, `reservation-mismatch`, `below-reserved`.
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is over the size limit */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Well-formed but cannot be processed: `unknown-sku` (with `skus`), or
         *     `idempotency-key-reused` (the key was used for another request).
         */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        Sku: components["schemas"]["Sku"];
        ReservationId: string;
        Limit: number;
        Offset: number;
        /** @description A unique key per intended operation (printable ASCII, no spaces); repeats return the stored response. */
        IdempotencyKey: string;
        /** @description A unique key per intended operation (printable ASCII, no spaces); repeats return the stored response. */
        IdempotencyKeyOptional: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listStock: {
        parameters: {
            query?: {
                /** @description SKUs to look up, comma-separated (`?sku=A-1,B-2`; at most 100). */
                sku?: components["schemas"]["Sku"][];
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stock levels ordered by SKU */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StockLevelPage"];
                };
            };
            400: components["responses"]["BadRequest"];
        };
    };
    getStock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stock level */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StockLevel"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
        };
    };
    setStock: {
        parameters: {
            query?: never;
            header?: {
                /** @description A unique key per intended operation (printable ASCII, no spaces); repeats return the stored response. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetStockRequest"];
            };
        };
        responses: {
            /** @description The new stock level */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StockLevel"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
        };
    };
    adjustStock: {
        parameters: {
            query?: never;
            header: {
                /** @description A unique key per intended operation (printable ASCII, no spaces); repeats return the stored response. */
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StockAdjustmentRequest"];
            };
        };
        responses: {
            /** @description The new stock level */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StockLevel"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
        };
    };
}
