/**
 * Generated from openapi/payment-provider.yaml by openapi-typescript (npm run gen). Do not edit.
 */

export interface paths {
    "/v1/payment_methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Tokenise a card
         * @description The card number and CVC stay here; the answer holds only the token, brand, last four digits and expiry.
         */
        post: operations["createPaymentMethod"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/charges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Charge a card
         * @description A decline answers 402 `card_error` with `code` `card_declined`, the
         *     `decline_code` and the failed charge's id in `charge`; a processing
         *     error answers 402 with `code` `processing_error`. Both keep the failed
         *     charge, and both are stored under the `Idempotency-Key` like a success.
         */
        post: operations["createCharge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/charges/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Find charges by a metadata value, newest first
         * @description Stripe's search query language, in one form only:
         *     `metadata['<key>']:'<value>'`, e.g. `metadata['shop_reference']:'checkout-42'`.
         *     Unlike Stripe's search, the result is up to date at once.
         */
        get: operations["searchCharges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/charges/{charge}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["retrieveCharge"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A charge's refunds, newest first */
        get: operations["listRefunds"];
        put?: never;
        /**
         * Refund a charge, in full or in part
         * @description Without `amount`, whatever remains of the charge is refunded. A failed
         *     charge is refused with 400 `charge_not_refundable`, a fully refunded
         *     one with `charge_already_refunded`, more than remains with
         *     `amount_too_large`; an unknown charge with `resource_missing`.
         */
        post: operations["createRefund"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/test_helpers/outage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether the provider is in an outage */
        get: operations["getOutage"];
        put?: never;
        /**
         * Start or end an outage (tests and demos)
         * @description While `active`, every other `/v1` call answers 503. The switch lives
         *     in this process; `PAYMENTS_PROVIDER_OUTAGE=true` in the environment
         *     also starts an outage, which this switch cannot end.
         */
        post: operations["setOutage"];
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
        ObjectId: string;
        /** @description ISO 4217, lower case (as Stripe writes it) */
        Currency: string;
        /** @description Minor units (cents) */
        Amount: number;
        /** @description Up to 50 keys (1-40 characters) with string values of up to 500 characters */
        Metadata: {
            [key: string]: string;
        };
        /** @enum {string} */
        CardBrand: "visa" | "mastercard" | "amex" | "discover" | "unknown";
        CreatePaymentMethodRequest: {
            /** @constant */
            type: "card";
            card: {
                number: string;
                exp_month: number;
                exp_year: number;
                cvc: string;
            };
            metadata?: components["schemas"]["Metadata"];
        };
        PaymentMethod: {
            /** @example pm_1a2b3c4d5e6f7a8b9c0d1e2f */
            id: string;
            /** @constant */
            object: "payment_method";
            /** @constant */
            type: "card";
            card: {
                brand: components["schemas"]["CardBrand"];
                last4: string;
                exp_month: number;
                exp_year: number;
            };
            metadata: components["schemas"]["Metadata"];
            /** @description Unix seconds */
            created: number;
            /** @constant */
            livemode: false;
        };
        CreateChargeRequest: {
            amount: components["schemas"]["Amount"];
            currency: components["schemas"]["Currency"];
            payment_method: components["schemas"]["ObjectId"];
            description?: string;
            metadata?: components["schemas"]["Metadata"];
        };
        Charge: {
            /** @example ch_1a2b3c4d5e6f7a8b9c0d1e2f */
            id: string;
            /** @constant */
            object: "charge";
            amount: number;
            amount_refunded: number;
            currency: string;
            captured: boolean;
            /** @description True when it succeeded */
            paid: boolean;
            /** @description True when refunded in full */
            refunded: boolean;
            /** @enum {string} */
            status: "succeeded" | "failed";
            payment_method: string;
            description: string | null;
            metadata: components["schemas"]["Metadata"];
            /** @enum {string|null} */
            failure_code: "card_declined" | "processing_error" | null;
            failure_message: string | null;
            outcome: {
                /** @enum {string} */
                type: "authorized" | "issuer_declined" | "invalid";
                /** @enum {string|null} */
                reason: "generic_decline" | "insufficient_funds" | "processing_error" | null;
            };
            /** @description Unix seconds */
            created: number;
            /** @constant */
            livemode: false;
        };
        ChargeSearchResult: {
            /** @constant */
            object: "search_result";
            data: components["schemas"]["Charge"][];
            has_more: boolean;
            url: string;
        };
        CreateRefundRequest: {
            charge: components["schemas"]["ObjectId"];
            amount?: components["schemas"]["Amount"];
            metadata?: components["schemas"]["Metadata"];
        };
        Refund: {
            /** @example re_1a2b3c4d5e6f7a8b9c0d1e2f */
            id: string;
            /** @constant */
            object: "refund";
            amount: number;
            charge: string;
            currency: string;
            /** @constant */
            status: "succeeded";
            metadata: components["schemas"]["Metadata"];
            /** @description Unix seconds */
            created: number;
        };
        RefundList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["Refund"][];
            has_more: boolean;
            url: string;
        };
        Outage: {
            active: boolean;
        };
        ErrorResponse: {
            error: {
                /** @enum {string} */
                type: "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";
                /** @example card_declined */
                code?: string;
                /** @example insufficient_funds */
                decline_code?: string;
                message: string;
                /** @example card[number] */
                param?: string;
                /** @description The failed charge */
                charge?: string;
            };
        };
    };
    responses: {
        /**
         * @description `invalid_request_error` (`param` names the parameter;
         *     `resource_missing` for an unknown object, `charge_already_refunded`,
         *     `charge_not_refundable`, `amount_too_large`), or `idempotency_error`
         *     (the key was first used with other parameters).
         */
        InvalidRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description No secret key, or a wrong one */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `invalid_request_error` `resource_missing`: no such object */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `idempotency_error`: another request with this key is being processed; retry it shortly */
        IdempotencyConflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description `api_error`: the provider is in an outage; nothing was done or stored, retry with the same key */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
    };
    parameters: {
        /** @description A key per intended operation; a repeat gets the first answer back. */
        IdempotencyKey: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    createPaymentMethod: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key per intended operation; a repeat gets the first answer back. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePaymentMethodRequest"];
            };
        };
        responses: {
            /** @description The card's token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentMethod"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description `card_error`: the card is not valid (`incorrect_number`, `invalid_expiry_month`, `invalid_expiry_year`, `expired_card`, `invalid_cvc`) */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            409: components["responses"]["IdempotencyConflict"];
            503: components["responses"]["Unavailable"];
        };
    };
    createCharge: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key per intended operation; a repeat gets the first answer back. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateChargeRequest"];
            };
        };
        responses: {
            /** @description The card was charged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Charge"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description `card_error`: declined (`card_declined` with `decline_code`) or `processing_error`; `charge` names the failed charge */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            409: components["responses"]["IdempotencyConflict"];
            503: components["responses"]["Unavailable"];
        };
    };
    searchCharges: {
        parameters: {
            query: {
                query: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The matching charges */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChargeSearchResult"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    retrieveCharge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                charge: components["schemas"]["ObjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The charge */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Charge"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listRefunds: {
        parameters: {
            query: {
                charge: components["schemas"]["ObjectId"];
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The charge's refunds */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefundList"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createRefund: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key per intended operation; a repeat gets the first answer back. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRefundRequest"];
            };
        };
        responses: {
            /** @description Refunded */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Refund"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["IdempotencyConflict"];
            503: components["responses"]["Unavailable"];
        };
    };
    getOutage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The outage switch */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Outage"];
                };
            };
            401: components["responses"]["Unauthorized"];
        };
    };
    setOutage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Outage"];
            };
        };
        responses: {
            /** @description The outage switch, as set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Outage"];
                };
            };
            400: components["responses"]["InvalidRequest"];
            401: components["responses"]["Unauthorized"];
        };
    };
}
