/**
 * Generated from openapi/orders.yaml by openapi-typescript (npm run gen). Do not edit.
 */

export interface paths {
    "/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Orders, newest first, optionally of one customer and in one status */
        get: operations["listOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{orderId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        get: operations["getOrder"];
        /**
         * Create a paid order for a checkout
         * @description The total must equal the sum of quantity × unit price over the lines
         *     (422 `total-mismatch` otherwise). Repeating the same request returns
         *     the existing order (200). Refused with 409 when the id exists with
         *     another body (`order-mismatch`), when the checkout already has an
         *     order under another id (`checkout-already-ordered`), or when the id
         *     was cancelled, before or after it was created (`order-cancelled`).
         */
        put: operations["createOrder"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/checkouts/{checkoutId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        /**
         * A checkout's record, readable without Temporal and after its retention
         * @description A customer reads only their own (someone else's is answered 404); `support` and `service` read any.
         */
        get: operations["getCheckoutRecord"];
        /**
         * Record a checkout before it starts
         * @description Creates the record (201, status `started`), or returns the existing
         *     one unchanged (200): the caller compares `requestFingerprint` to tell
         *     a repeat from a reused key. A record of another customer's checkout is
         *     refused with 409 `checkout-mismatch`. For `service` and `admin`.
         */
        put: operations["recordCheckout"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/checkouts/{checkoutId}/failure": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record how a checkout failed, once it has undone what it did
         * @description The record becomes `failed` with the reason (created if the checkout
         *     was started without one). Repeating it changes nothing. A checkout
         *     with an order cannot fail (409 `checkout-ordered`): the purchase
         *     stands. For `service` and `admin`.
         */
        post: operations["recordCheckoutFailure"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{orderId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an order that has not shipped (the checkout's compensation)
         * @description A placed or paid order becomes `cancelled`, with the reason in its
         *     history. Cancelling a cancelled order changes nothing. A shipped or
         *     delivered order is refused (409 `order-not-cancellable`). An id with
         *     no order yet is remembered as cancelled, so a late create for it is
         *     refused; the answer then has no `order`.
         */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{orderId}/ship": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark a paid order as shipped
         * @description Shipping a shipped order changes nothing; any other status but `paid`
         *     is refused (409 `invalid-transition`).
         */
        post: operations["shipOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{orderId}/deliver": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark a shipped order as delivered
         * @description Delivering a delivered order changes nothing; any other status but
         *     `shipped` is refused (409 `invalid-transition`).
         */
        post: operations["deliverOrder"];
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
        /**
         * Format: uuid
         * @example 0b6f7a52-3f0e-4f57-9a57-2f1f0c3b9d7e
         */
        OrderId: string;
        CheckoutId: string;
        CustomerId: string;
        ChargeId: string;
        Sku: string;
        /**
         * @description An ISO 4217 currency code in upper case. The pattern lists every code
         *     accepted (the validation reads it from here).
         * @example USD
         */
        Currency: string;
        /**
         * @description An e-mail address. The pattern is what is accepted (the validation
         *     reads it from here); it takes every address the users service does.
         * @example ada@example.com
         */
        Email: string;
        /** @description E.164; when given, status changes are also sent by SMS */
        Phone: string;
        /**
         * @description An amount in the currency's minor units (cents), at most what one order
         *     may total (`OrderTotal`: what one charge may be)
         */
        MinorUnits: number;
        /** @enum {string} */
        OrderStatus: "placed" | "paid" | "shipped" | "delivered" | "cancelled";
        OrderLine: {
            sku: components["schemas"]["Sku"];
            name: string;
            quantity: components["schemas"]["LineQuantity"];
            /** @description Price per unit in minor units (at most a catalog price, `UnitPrice`) */
            unitPrice: number;
        };
        CreateOrderRequest: {
            checkoutId: components["schemas"]["CheckoutId"];
            customerId: components["schemas"]["CustomerId"];
            customerEmail: components["schemas"]["Email"];
            customerPhone?: components["schemas"]["Phone"];
            currency: components["schemas"]["Currency"];
            /** @description One line per SKU; a SKU may appear once. */
            lines: components["schemas"]["OrderLine"][];
            /** @description The sum of quantity × unitPrice over the lines */
            total: components["schemas"]["MinorUnits"];
            shippingAddress: components["schemas"]["ShippingAddress"];
            chargeId: components["schemas"]["ChargeId"];
        };
        CancelOrderRequest: {
            reason: string;
        };
        StatusChangeRequest: {
            /** @description Kept in the order's history, e.g. a tracking number */
            note?: string;
        };
        Money: {
            amount: components["schemas"]["MinorUnits"];
            currency: components["schemas"]["Currency"];
        };
        StatusChange: {
            status: components["schemas"]["OrderStatus"];
            /** Format: date-time */
            at: string;
            note?: string;
        };
        Order: {
            id: components["schemas"]["OrderId"];
            checkoutId: components["schemas"]["CheckoutId"];
            customerId: components["schemas"]["CustomerId"];
            customerEmail: components["schemas"]["Email"];
            customerPhone?: components["schemas"]["Phone"];
            status: components["schemas"]["OrderStatus"];
            lines: components["schemas"]["OrderLine"][];
            total: components["schemas"]["Money"];
            shippingAddress: components["schemas"]["ShippingAddress"];
            chargeId: components["schemas"]["ChargeId"];
            /** @description Every status the order has had, oldest first */
            statusHistory: components["schemas"]["StatusChange"][];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        OrderPage: {
            items: components["schemas"]["Order"][];
            total: number;
            limit: number;
            offset: number;
        };
        OrderCancellation: {
            orderId: components["schemas"]["OrderId"];
            /** @enum {string} */
            status: "cancelled";
            /** @description The cancelled order; absent when the id had no order (it is then refused if created later) */
            order?: components["schemas"]["Order"];
        };
        /**
         * @description `started`: recorded, not decided yet; `ordered`: its order exists (the purchase stands); `failed`: undone, with the reason.
         * @enum {string}
         */
        CheckoutRecordStatus: "started" | "ordered" | "failed";
        CheckoutFailure: {
            /** @description The business failure (e.g. `PaymentDeclined`, `OutOfStock`) or why it was undone (`CancelledByCustomer`, `Unexpected`...) */
            type: string;
            message: string;
            /** @description The checkout step that failed, e.g. `charging_payment` */
            step: string;
        };
        RecordCheckoutRequest: {
            customerId: components["schemas"]["CustomerId"];
            /** @description The shopper's `Idempotency-Key` that named the checkout */
            idempotencyKey?: string;
            /** @description A hash of the request that started the checkout */
            requestFingerprint?: string;
        };
        RecordCheckoutFailureRequest: {
            customerId: components["schemas"]["CustomerId"];
            failure: components["schemas"]["CheckoutFailure"];
        };
        CheckoutRecord: {
            id: components["schemas"]["CheckoutId"];
            customerId: components["schemas"]["CustomerId"];
            status: components["schemas"]["CheckoutRecordStatus"];
            idempotencyKey?: string;
            requestFingerprint?: string;
            /** @description Set once `ordered` */
            orderId?: components["schemas"]["OrderId"];
            /** @description The order's total, set once `ordered` */
            total?: components["schemas"]["Money"];
            /** @description Set once `failed` */
            failure?: components["schemas"]["CheckoutFailure"];
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
            /** @example order-cancelled */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
        /** @description Units of one product in one order or reservation line */
        LineQuantity: number;
        /**
         * @description An officially assigned ISO 3166-1 alpha-2 country code in upper case.
         *     The pattern lists every code accepted (the validation reads it from here).
         * @example GB
         */
        Country: string;
        /** @description Where an order is sent; the gateway takes it at checkout and the orders service keeps it with the order. */
        ShippingAddress: {
            name: string;
            line1: string;
            line2?: string;
            city: string;
            postalCode: string;
            country: components["schemas"]["Country"];
        };
        /** @description 1-255 printable ASCII characters, no spaces (as Stripe's keys). */
        IdempotencyKey: string;
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
         *     `order-mismatch`, `checkout-already-ordered` (with the checkout's
         *     `orderId`), `order-cancelled`, `order-not-cancellable`,
         *     `invalid-transition` (the last two with the order's `orderStatus`),
         *     `checkout-mismatch` (the checkout is another customer's),
         *     `checkout-ordered` (a checkout with an order cannot fail).
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
         * @description Well-formed but cannot be processed: `total-mismatch` (the total is not
         *     the sum of the lines; `errors` names `body.total`), or
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
        OrderId: components["schemas"]["OrderId"];
        CheckoutId: components["schemas"]["CheckoutId"];
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
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listOrders: {
        parameters: {
            query?: {
                customerId?: components["schemas"]["CustomerId"];
                status?: components["schemas"]["OrderStatus"];
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
            /** @description A page of orders */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    createOrder: {
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
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrderRequest"];
            };
        };
        responses: {
            /** @description The order already existed with this content */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
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
    getCheckoutRecord: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The record */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutRecord"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    recordCheckout: {
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
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecordCheckoutRequest"];
            };
        };
        responses: {
            /** @description The checkout was recorded before; its record as it is */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutRecord"];
                };
            };
            /** @description Recorded */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutRecord"];
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
    recordCheckoutFailure: {
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
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecordCheckoutFailureRequest"];
            };
        };
        responses: {
            /** @description The record, failed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutRecord"];
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
    cancelOrder: {
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
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CancelOrderRequest"];
            };
        };
        responses: {
            /** @description The order is cancelled (or its id is, when it did not exist) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderCancellation"];
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
    shipOrder: {
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
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["StatusChangeRequest"];
            };
        };
        responses: {
            /** @description The shipped order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
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
    deliverOrder: {
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
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["StatusChangeRequest"];
            };
        };
        responses: {
            /** @description The delivered order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
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
