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
            /** @description Units in the warehouse, reserved ones included */
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
        /** @description Units of one SKU; a warehouse holds at most 1,000,000,000 of a SKU */
        StockUnits: number;
        SetStockRequest: {
            onHand: components["schemas"]["StockUnits"];
        };
        StockAdjustmentRequest: {
            /**
             * @description Units to add (positive) or remove (negative). On hand afterwards
             *     must stay within `StockUnits`: past 1,000,000,000 the adjustment is
             *     refused with 422 `stock-limit-exceeded`; below the reserved units,
             *     with 409 `below-reserved`.
             */
            delta: number;
            reason: string;
        };
        ReservationLine: {
            sku: components["schemas"]["Sku"];
            quantity: components["schemas"]["LineQuantity"];
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
        /** @description 1-255 printable ASCII characters, no spaces (as Stripe's keys). */
        IdempotencyKey: string;
        /** @description Units of one product in one order or reservation line */
        LineQuantity: number;
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
         * @description Well-formed but cannot be processed: `unknown-sku` (with `skus`),
         *     `stock-limit-exceeded` (on hand would pass the most a SKU can hold;
         *     `errors` names `body.delta`, `maxOnHand` says the limit), or
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
        /**
         * @description `request-head-too-large`: the request line and headers are over 16 KB
         *     together (a URL too long, say), refused before the request is read.
         *     Every operation can answer it; each service adds it to every operation
         *     of the spec it serves.
         */
        RequestHeadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @constant */
                    type: "request-head-too-large";
                    title: string;
                    /** @constant */
                    status: 431;
                    detail?: string;
                };
            };
        };
    };
    parameters: {
        Sku: components["schemas"]["Sku"];
        ReservationId: string;
        /** @description Items per page */
        Limit: number;
        /** @description Items to skip */
        Offset: number;
        /**
         * @description Optional: a key the client makes for one intended operation (a UUID,
         *     say). A repeat with the same key and request gets the stored response
         *     (`Idempotent-Replayed: true`); the same key with another request is
         *     refused with 422 `idempotency-key-reused`. Keys belong to their
         *     caller.
         */
        IdempotencyKeyOptional: components["schemas"]["IdempotencyKey"];
        /**
         * @description A key the client makes for one intended operation (a UUID, say).
         *     A repeat with the same key and request gets the stored response
         *     (`Idempotent-Replayed: true`); the same key with another request is
         *     refused with 422 `idempotency-key-reused`. Keys belong to their
         *     caller.
         */
        IdempotencyKey: components["schemas"]["IdempotencyKey"];
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
            401: components["responses"]["Unauthorized"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
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
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setStock: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Optional: a key the client makes for one intended operation (a UUID,
                 *     say). A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
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
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    adjustStock: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description A key the client makes for one intended operation (a UUID, say).
                 *     A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
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
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
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
